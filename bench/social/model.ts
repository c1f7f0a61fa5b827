// The social workload answered by plain JavaScript (arrays and sets), to check the engines'
// answers: the smoke test (test/bench/) compares ombra with it, the peers run compares every
// engine with it on a sample. Semantics are openCypher's: in
// (p)-[r1:KNOWS]->()-[r2:KNOWS]->(f) the two relationships are distinct (relationship
// isomorphism), which only matters when p has a KNOWS self-loop; answersUnder() also gives the
// walk semantics of SQLite's self-join and Kùzu, so every engine is checked against its own.

import { FULL_SAMPLE, type Hop2Semantics, type LoadStep, type PersonAnswers, type SocialEngine } from './engine.js';
import type { SocialWorkload } from './workload.js';

export class ModelEngine implements SocialEngine {
  readonly name = 'model';
  readonly version = 'in-JS model';
  readonly sample = FULL_SAMPLE;
  readonly hop2Semantics: Hop2Semantics = 'distinct-relationships';
  private names = new Map<number, string>();
  private ages: number[] = [];
  /** Out-edges per person id: [relationship index, end person id]. */
  private out = new Map<number, [number, number][]>();

  nodeLoadSteps(w: SocialWorkload): LoadStep[] {
    return [
      () => {
        for (const p of w.persons) {
          this.names.set(p.id, p.name);
          this.ages.push(p.age);
        }
      },
    ];
  }

  edgeLoadSteps(w: SocialWorkload): LoadStep[] {
    return [
      () =>
        w.edges.forEach(([a, b], index) => {
          let list = this.out.get(a);
          if (list === undefined) this.out.set(a, (list = []));
          list.push([index, b]);
        }),
    ];
  }

  private hop1(id: number): number {
    return this.names.has(id) ? (this.out.get(id)?.length ?? 0) : 0;
  }

  private hop2(id: number, semantics: Hop2Semantics = this.hop2Semantics): number {
    if (!this.names.has(id)) return 0;
    const walk = semantics === 'walk';
    const reached = new Set<number>();
    for (const [r1, middle] of this.out.get(id) ?? []) {
      for (const [r2, end] of this.out.get(middle) ?? []) if (walk || r2 !== r1) reached.add(end);
    }
    return reached.size;
  }

  async pointLookups(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += this.names.get(id)?.length ?? -1;
    return sum;
  }

  async hop1Counts(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += this.hop1(id);
    return sum;
  }

  async hop2Distinct(ids: readonly number[]): Promise<number> {
    let sum = 0;
    for (const id of ids) sum += this.hop2(id);
    return sum;
  }

  async scanAverage(): Promise<number> {
    return this.ages.reduce((a, b) => a + b, 0) / this.ages.length;
  }

  async durableCommits(): Promise<number[]> {
    return [];
  }

  async answers(id: number): Promise<PersonAnswers> {
    return this.answersUnder(id, this.hop2Semantics);
  }

  answersUnder(id: number, semantics: Hop2Semantics): PersonAnswers {
    return { name: this.names.get(id) ?? null, hop1: this.hop1(id), hop2: this.hop2(id, semantics) };
  }

  async close(): Promise<void> {}
}
