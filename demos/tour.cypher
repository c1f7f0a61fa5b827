// A first look at the demo graph (ombra demo builds it: 3,000 people by default).
// Run it on the demo database (its default place on Linux; `ombra demo --help` names it):
//   ombra shell /tmp/ombra-demo/social.db -f demos/tour.cypher --format table
// or inside the console:   :source demos/tour.cypher
//
//   (:Person {id, name, age, joined}) -[:KNOWS {since}]-> (:Person)
//   (:Person) -[:LIVES_IN {since}]-> (:City {name, country})
//   (:Person) -[:WORKS_AT {role}]-> (:Company {name, industry})

// How many of each kind of node.
MATCH (n)
RETURN labels(n)[0] AS label, count(*) AS nodes
ORDER BY nodes DESC;

// How many of each kind of relationship.
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY relationships DESC;

// One person with everything around them.
MATCH (p:Person {id: 0})-[:LIVES_IN]->(city:City)
OPTIONAL MATCH (p)-[w:WORKS_AT]->(company:Company)
OPTIONAL MATCH (p)-[:KNOWS]->(friend:Person)
RETURN p.name AS name, p.age AS age, city.name AS city, w.role AS role, company.name AS company,
       count(friend) AS friends;

// The indexes the demo made (lookups by id and name use them).
:indexes
