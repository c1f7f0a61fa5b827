// Friendship queries over the demo graph. The person is a console parameter: change it with
// `:param who => 42` and run the statements again (:source demos/friends.cypher).

:param who => 0

// Whom they know, oldest friendships first.
MATCH (p:Person {id: $who})-[k:KNOWS]->(friend:Person)
RETURN friend.name AS friend, k.since AS since
ORDER BY since, friend;

// People they may know: friends of friends who are not friends yet, by mutual friends.
MATCH (p:Person {id: $who})-[:KNOWS]->(:Person)-[:KNOWS]->(suggestion:Person)
WHERE suggestion <> p AND NOT (p)-[:KNOWS]->(suggestion)
RETURN suggestion.name AS suggestion, count(*) AS mutualFriends
ORDER BY mutualFriends DESC, suggestion
LIMIT 5;

// How far is somebody on the other side of the graph?
MATCH (a:Person {id: $who}), (b:Person {id: 2500})
MATCH path = shortestPath((a)-[:KNOWS*..8]->(b))
RETURN [n IN nodes(path) | n.name] AS chain, length(path) AS hops;

// Reach: how many people within one, two and three hops.
MATCH (p:Person {id: $who})-[:KNOWS*1..3]->(other:Person)
WHERE other <> p
RETURN count(DISTINCT other) AS withinThreeHops;

// The most connected people (friendships in and out).
MATCH (p:Person)-[:KNOWS]-(:Person)
RETURN p.name AS name, p.id AS id, count(*) AS connections
ORDER BY connections DESC, id
LIMIT 5;
