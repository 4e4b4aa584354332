package similar

import "strings"

// wordSet builds a set from a space-separated list of accent-folded words.
func wordSet(list string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// frenchStop holds French function words and the fillers of consultation
// answers ("il faut", "mettre en place"), accents folded.
var frenchStop = wordSet(`
a afin ai aie aient ainsi alors as au aucun aucune auquel aussi autant autre autres aux auxquelles auxquels avaient avais avait avant avec avez aviez avions avoir avons ayant
beaucoup bien
c ca car ce ceci cela celle celles celui cependant certain certaines certains ces cet cette ceux chaque chez ci comme comment contre
d dans de des desquelles desquels deja doit doivent donc dont du duquel durant
elle elles en encore entre es est et etaient etais etait etant ete etes etre eu eue eues eurent eus eut eux
fait faire fais faisait faut
hors
ici il ils
j je jusqu jusque
l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui
m ma mais me meme memes mes moi moins mon
n ne ni nos notre nous
on ont ou
par parce pas pendant peu peut peuvent plus plutot pour pourquoi pourrait puis puisque
qu quand que quel quelle quelles quelqu quelque quelques quels qui quoi
s sa sans se sera serait ses si sien sienne soi soient soit son sont sous suis sur
t ta tant te tel telle telles tels tes toi ton tous tout toute toutes tres trop tu
un une
vers via voila vos votre vous
y
`)

// englishStop holds English function words, lower case.
var englishStop = wordSet(`
a about above after again against all also am an and any are as at
be because been before being below between both but by
can could
did do does doing down during
each
few for from further
had has have having he her here hers herself him himself his how
i if in into is it its itself
just
me more most my myself
no nor not now
of off on once only or other our ours ourselves out over own
same she should so some such
than that the their theirs them themselves then there these they this those through to too
under until up
very
was we were what when where which while who whom why will with would
you your yours yourself yourselves
`)
