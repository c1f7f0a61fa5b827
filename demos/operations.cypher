// The operator's side, as a script: plans, statistics and maintenance commands. Every line
// starting with ':' is a console command (:help lists them); the same jobs back the CLI
// subcommands (ombra checkpoint, ombra verify, ...).

// What the planner does with an indexed lookup, without running it...
:explain MATCH (p:Person {name: 'Pia Silva'})-[:KNOWS]->(f) RETURN f.name;

// ...and with rows and time per operator.
:profile MATCH (c:City {name: 'Lisbon'})<-[:LIVES_IN]-(p:Person) RETURN count(p) AS people;

// A write in an explicit transaction, then undone.
:begin
MATCH (p:Person {id: 1}) SET p.nickname = 'temporary' RETURN p.name AS name, p.nickname AS nickname;
:rollback
MATCH (p:Person {id: 1}) RETURN p.nickname AS nicknameAfterRollback;

// Storage, WAL and cache in one screenful; the health checks.
:stats
:health

// Copy the WAL into the database file and empty it; then check every page checksum.
:checkpoint truncate
:verify
:jobs
