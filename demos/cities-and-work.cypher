// Where people live and work. Aggregations, grouping and patterns of two relationships.

// The largest cities and the average age of their people.
MATCH (c:City)<-[:LIVES_IN]-(p:Person)
RETURN c.name AS city, c.country AS country, count(p) AS people, round(avg(p.age)) AS averageAge
ORDER BY people DESC, city
LIMIT 5;

// People per country.
MATCH (c:City)<-[:LIVES_IN]-(p:Person)
RETURN c.country AS country, count(p) AS people, collect(DISTINCT c.name) AS cities
ORDER BY people DESC, country
LIMIT 5;

// The biggest employers, with the roles they hire.
MATCH (p:Person)-[w:WORKS_AT]->(company:Company)
RETURN company.name AS company, company.industry AS industry, count(p) AS staff, collect(DISTINCT w.role) AS roles
ORDER BY staff DESC, company
LIMIT 5;

// Industries by head count and typical age.
MATCH (p:Person)-[:WORKS_AT]->(company:Company)
RETURN company.industry AS industry, count(p) AS staff, min(p.age) AS youngest, max(p.age) AS oldest
ORDER BY staff DESC, industry;

// Colleagues who are also friends, per company.
MATCH (a:Person)-[:WORKS_AT]->(company:Company)<-[:WORKS_AT]-(b:Person), (a)-[:KNOWS]->(b)
RETURN company.name AS company, count(*) AS friendsAtWork
ORDER BY friendsAtWork DESC, company
LIMIT 5;

// Who has no job in the graph, by city.
MATCH (p:Person)-[:LIVES_IN]->(c:City)
WHERE NOT (p)-[:WORKS_AT]->(:Company)
RETURN c.name AS city, count(p) AS withoutJob
ORDER BY withoutJob DESC, city
LIMIT 3;
