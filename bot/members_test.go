package bot_test

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/bot"
	"atelier/consultation"
	"atelier/consultation/clocktest"
)

// counter is a random source whose every read differs, so that codes made
// in one test never collide.
type counter struct {
	mu sync.Mutex
	n  uint64
}

func (c *counter) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range p {
		if i%8 == 0 {
			c.n = c.n*6364136223846793005 + 1442695040888963407
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], c.n)
		p[i] = b[i%8]
	}
	return len(p), nil
}

// memberHarness is a harness whose clock the test can move and whose store
// can be reopened, as after a restart.
type memberHarness struct {
	*harness
	clock  *clocktest.Clock
	path   string
	random *counter
}

func newMemberHarness(t *testing.T, locale string) *memberHarness {
	t.Helper()
	paris, _ := time.LoadLocation("Europe/Paris")
	mh := &memberHarness{clock: clocktest.Stepping(time.Date(2026, 11, 23, 9, 0, 0, 0, paris), time.Second), path: filepath.Join(t.TempDir(), "bot.db"), random: &counter{}}
	mh.open(t, locale)
	return mh
}

func (mh *memberHarness) open(t *testing.T, locale string) {
	t.Helper()
	mh.harness = openHarness(t, mh.path, consultation.Options{Clock: mh.clock, Random: mh.random}, bot.Config{Locale: locale})
}

func (mh *memberHarness) advance(d time.Duration) { mh.clock.Add(d) }

// tg sends a message from a Telegram account, in its private chat with the
// bot when chat is "dm", else in the Telegram group "tg-main".
func (mh *memberHarness) tg(user, chat, text, data string) string {
	mh.t.Helper()
	ev := bot.Event{Platform: consultation.Telegram, From: bot.User{ID: user, Username: user, Name: user}, Text: text, Data: data,
		Chat: bot.Chat{ID: "tg-main", Title: "tg-main"}}
	if chat == "dm" {
		ev.Chat = bot.Chat{ID: user, Private: true}
	}
	var out []string
	for _, r := range mh.bot.Handle(context.Background(), ev) {
		out = append(out, r.Text.String()+r.Toast)
	}
	return strings.Join(out, "\n")
}

var codeRE = regexp.MustCompile(`[A-Z2-9]{5}-[A-Z2-9]{5}`)

func codesIn(t *testing.T, s string, n int) []string {
	t.Helper()
	codes := codeRE.FindAllString(s, -1)
	if len(codes) != n {
		t.Fatalf("found %d codes in %q; want %d", len(codes), s, n)
	}
	return codes
}

// roster summarises every member's status and role and every identity:
// what a refused membership command must not change.
func (mh *memberHarness) roster() string {
	mh.t.Helper()
	var b strings.Builder
	for id := int64(1); id < 40; id++ {
		m, err := mh.svc.Member(t0ctx(), id)
		if err != nil {
			continue
		}
		ids, _ := mh.svc.Identities(t0ctx(), id)
		b.WriteString(m.Name + ":" + string(m.Status) + "/" + string(m.Role))
		for _, i := range ids {
			b.WriteString(" " + string(i.Platform) + "=" + i.UserID)
		}
		b.WriteString("; ")
	}
	return b.String()
}

func auditHas(t *testing.T, h *harness, action, detail string) bool {
	t.Helper()
	es, err := h.svc.AuditLog(t0ctx(), consultation.Actor{MemberID: 1}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Action == action && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}

func TestInviteAndJoin(t *testing.T) {
	mh := newMemberHarness(t, "fr")
	mh.say("admin", "", "/aide")
	mh.say("alice", "", "/aide")
	mh.say("admin", "", "/role @alice organisateur")
	out := mh.bot.Handle(t0ctx(), bot.Event{Platform: consultation.Console, From: bot.User{ID: "alice", Username: "alice"}, Chat: bot.Chat{ID: "main", Title: "main"}, Text: "/inviter 3"})
	if len(out) != 1 || out[0].To != bot.Private {
		t.Fatalf("/inviter replies %+v; want one private reply", out)
	}
	codes := codesIn(t, out[0].Text.String(), 3)
	if !strings.Contains(out[0].Text.String(), "30/11/2026") {
		t.Errorf("invite reply %q does not give the expiry, seven days on", out[0].Text.String())
	}

	if got := mh.say("zoe", "dm", "/rejoindre "+strings.ToLower(codes[0])); !strings.Contains(got, "membre vérifié·e") {
		t.Errorf("/rejoindre = %q", got)
	}
	zoe, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, "zoe")
	if !zoe.IsVerified() || zoe.Role != consultation.RoleMember || zoe.VerifiedBy == 0 {
		t.Errorf("zoe after /rejoindre = %+v", zoe)
	}
	if !auditHas(t, mh.harness, consultation.ActVerify, "invite") || !auditHas(t, mh.harness, consultation.ActInvite, "3 × member") {
		t.Error("the audit log lacks the invitation or the verification by invite")
	}

	for _, tc := range []struct{ name, who, chat, text, want string }{
		{"reused", "yann", "dm", "/rejoindre " + codes[0], "déjà servi"},
		{"unknown", "yann", "dm", "/rejoindre ABCDE-FGHJK", "n'existe pas"},
		{"a number, not a code", "yann", "dm", "/rejoindre 1234", "si ce numéro figure sur la liste"},
		{"malformed code", "yann", "dm", "/rejoindre ABCD-EFGH", "10 caractères"},
		{"in the group", "yann", "", "/rejoindre " + codes[1], "message privé"},
		{"already verified", "zoe", "dm", "/rejoindre " + codes[1], "déjà membre"},
		{"by a member", "zoe", "", "/inviter", "réservée aux organisateurs"},
		{"too many", "alice", "", "/inviter 51", "de 1 à 50 codes"},
		{"admin role", "alice", "", "/inviter 2 admin", "membre ou un·e sympathisant·e"},
		{"nonsense", "alice", "", "/inviter beaucoup", "Exemples : /inviter"},
		{"no code", "yann", "dm", "/rejoindre", "Exemples : /rejoindre"},
	} {
		before := mh.roster()
		if got := mh.say(tc.who, tc.chat, tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q = %q; want %q", tc.name, tc.text, got, tc.want)
		}
		if after := mh.roster(); after != before && tc.name != "unknown" && tc.name != "reused" {
			t.Errorf("%s changed the roster:\n%s\n%s", tc.name, before, after)
		}
	}

	mh.advance(8 * 24 * time.Hour)
	if got := mh.say("xavier", "dm", "/rejoindre "+codes[2]); !strings.Contains(got, "expiré") {
		t.Errorf("expired code: %q", got)
	}
	if m, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, "xavier"); m.IsVerified() {
		t.Error("an expired code verified its sender")
	}
}

func TestJoinGuessingIsRateLimited(t *testing.T) {
	mh := newMemberHarness(t, "en")
	mh.say("admin", "", "/help")
	out := mh.say("admin", "", "/invite 1")
	code := codesIn(t, out, 1)[0]
	for i := range consultation.MaxAttempts {
		if got := mh.say("mallory", "dm", "/join ZZZZZ-ZZZZ"+string(rune('A'+i))); !strings.Contains(got, "does not exist") {
			t.Fatalf("guess %d: %q", i, got)
		}
	}
	if got := mh.say("mallory", "dm", "/join "+code); !strings.Contains(got, "try again in 60 minutes") {
		t.Errorf("sixth attempt = %q; want a refusal saying when to retry", got)
	}
	// The count survives a restart.
	mh.store.Close()
	mh.open(t, "en")
	mh.advance(30 * time.Minute)
	if got := mh.say("mallory", "dm", "/join "+code); !strings.Contains(got, "try again in 30 minutes") {
		t.Errorf("after a restart = %q; want still limited", got)
	}
	mh.advance(31 * time.Minute)
	if got := mh.say("mallory", "dm", "/join "+code); !strings.Contains(got, "verified member") {
		t.Errorf("after the window = %q; want the valid code accepted", got)
	}
}

func TestSupporterSendsIdeasButDoesNotVote(t *testing.T) {
	mh := newMemberHarness(t, "fr")
	mh.setup()
	code := codesIn(t, mh.say("alice", "", "/inviter 1 sympathisante"), 1)[0]
	if got := mh.say("sam", "dm", "/rejoindre "+code); !strings.Contains(got, "sympathisant·e") {
		t.Fatalf("/rejoindre as supporter = %q", got)
	}
	mh.say("sam", "", "/aide")
	if got := mh.say("sam", "", "/idee Un local ouvert le samedi"); !strings.Contains(got, "enregistrée") {
		t.Errorf("supporter's idea = %q", got)
	}
	mh.say("alice", "", "/regrouper 4 Local")
	mh.say("alice", "", "/sondage ouvrir")
	before := mh.snapshot()
	if got := mh.press("sam", "dm", "r_1_1_1_i_4"); !strings.Contains(got, "sympathisant·es peuvent envoyer des idées mais pas noter") {
		t.Errorf("supporter's rating = %q", got)
	}
	if got := mh.say("sam", "", "/evaluer"); !strings.Contains(got, "pas noter ni voter") {
		t.Errorf("supporter's /evaluer = %q", got)
	}
	if got := mh.say("sam", "dm", "/evaluer"); !strings.Contains(got, "pas noter ni voter") {
		t.Errorf("supporter's /evaluer in private = %q", got)
	}
	if mh.snapshot() != before {
		t.Error("a supporter's refused rating changed the state")
	}
	p, err := mh.svc.Participation(t0ctx(), consultation.Actor{MemberID: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// admin, alice, bob and carol; not the supporter.
	if p.Electorate != 4 {
		t.Errorf("electorate = %d; want 4 (supporters excluded)", p.Electorate)
	}
	if got := mh.say("alice", "", "/membres"); !strings.Contains(got, "1 sympathisant·es") {
		t.Errorf("/membres = %q", got)
	}
}

func TestLinkAccounts(t *testing.T) {
	mh := newMemberHarness(t, "fr")
	mh.setup()
	mh.say("alice", "", "/phase collecte")

	// Bob's Telegram account is known first as a separate person with an
	// idea of its own, verified by invite.
	code := codesIn(t, mh.say("alice", "", "/inviter"), 1)[0]
	mh.tg("tg-bob", "dm", "/rejoindre "+code, "")
	tgBob, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Telegram, "tg-bob")
	bob, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, "bob")

	link := mh.say("bob", "dm", "/lier")
	lc := codesIn(t, link, 1)[0]
	before := mh.roster()
	for _, tc := range []struct{ name, text, want string }{
		{"same platform", "/lier " + lc, "depuis votre compte sur l'autre plateforme"},
	} {
		if got := mh.say("carol", "dm", tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q", tc.name, got)
		}
	}
	if got := mh.say("bob", "dm", "/lier "+lc); !strings.Contains(got, "déjà reliés") {
		t.Errorf("own code: %q", got)
	}
	if got := mh.tg("tg-bob", "", "/lier "+lc, ""); !strings.Contains(got, "message privé") {
		t.Errorf("link in a group: %q", got)
	}
	if mh.roster() != before {
		t.Error("a refused link changed the roster")
	}
	if got := mh.tg("tg-bob", "dm", "/lier "+lc, ""); !strings.Contains(got, "Comptes reliés (console + Telegram)") {
		t.Fatalf("/lier = %q", got)
	}
	m, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Telegram, "tg-bob")
	if m.ID != bob.ID || !m.IsVerified() {
		t.Errorf("after linking, tg-bob is %+v; want bob (%d), verified", m, bob.ID)
	}
	if _, err := mh.svc.Member(t0ctx(), tgBob.ID); !consultation.IsNotFound(err) {
		t.Errorf("the newer member still exists: %v", err)
	}
	if !auditHas(t, mh.harness, consultation.ActLink, "console + telegram") {
		t.Error("no audit entry for the link")
	}
	if got := mh.tg("tg-bob", "dm", "/lier "+lc, ""); !strings.Contains(got, "déjà servi") {
		t.Errorf("link code reused: %q", got)
	}

	// A rating from each platform counts once.
	mh.say("alice", "", "/sondage ouvrir")
	mh.press("bob", "dm", "r_1_1_1_i_5")
	mh.press("bob", "dm", "r_1_1_1_e_1")
	mh.tg("tg-bob", "dm", "", "r_1_1_1_i_2")
	mh.tg("tg-bob", "dm", "", "r_1_1_1_e_2")
	mh.press("carol", "dm", "r_1_1_1_i_4")
	mh.press("carol", "dm", "r_1_1_1_e_4")
	mh.say("alice", "", "/sondage fermer")
	res, err := mh.svc.Results(t0ctx(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Outcomes {
		if o.Proposal.Number == 1 && o.Raters != 2 {
			t.Errorf("P1 has %d raters; want 2 (bob once, carol)", o.Raters)
		}
	}

	// Unlinking gives the Telegram account back to a new, unverified person.
	if got := mh.tg("tg-bob", "dm", "/delier", ""); !strings.Contains(got, "détaché") {
		t.Errorf("/delier = %q", got)
	}
	m, _ = mh.svc.MemberByIdentity(t0ctx(), consultation.Telegram, "tg-bob")
	if m.ID == bob.ID || m.IsVerified() {
		t.Errorf("after unlinking, tg-bob is %+v", m)
	}
	if b, _ := mh.svc.Member(t0ctx(), bob.ID); !b.IsVerified() {
		t.Error("bob lost his status by unlinking an account")
	}
	if !auditHas(t, mh.harness, consultation.ActUnlink, "telegram") {
		t.Error("no audit entry for the unlink")
	}
	before = mh.roster()
	if got := mh.tg("tg-bob", "dm", "/delier", ""); !strings.Contains(got, "rien à détacher") {
		t.Errorf("second /delier = %q", got)
	}
	if mh.roster() != before {
		t.Error("a refused unlink changed the roster")
	}
}

// TestLinkMovesIdeasAndKeepsBetterStatus links a newer verified account
// with ideas into an older unverified one.
func TestLinkMovesIdeasAndKeepsBetterStatus(t *testing.T) {
	mh := newMemberHarness(t, "en")
	mh.setup()
	mh.tg("tg-dan", "dm", "/help", "") // older, unverified
	mh.say("alice", "", "/phase collecting")
	code := codesIn(t, mh.say("alice", "", "/invite"), 1)[0]
	mh.say("dan", "dm", "/join "+code)
	mh.say("dan", "", "/idea Weekly newsletter for members")
	dan, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Telegram, "tg-dan")
	lc := codesIn(t, mh.say("dan", "dm", "/link"), 1)[0]
	if got := mh.tg("tg-dan", "dm", "/link "+lc, ""); !strings.Contains(got, "Accounts linked") {
		t.Fatalf("/link = %q", got)
	}
	m, _ := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, "dan")
	if m.ID != dan.ID || !m.IsVerified() {
		t.Errorf("linked member = %+v; want the older id %d, verified", m, dan.ID)
	}
	ideas, _ := mh.svc.Ideas(t0ctx(), 1)
	if last := ideas[len(ideas)-1]; last.AuthorID != dan.ID {
		t.Errorf("idea author = %d; want %d", last.AuthorID, dan.ID)
	}
}

func TestLinkRefusedWhenBothRated(t *testing.T) {
	mh := newMemberHarness(t, "en")
	mh.setup()
	code := codesIn(t, mh.say("alice", "", "/invite"), 1)[0]
	mh.tg("tg-bob", "dm", "/join "+code, "")
	mh.say("alice", "", "/poll open")
	mh.press("bob", "dm", "r_1_1_1_i_5")
	mh.tg("tg-bob", "dm", "", "r_1_1_1_i_3")
	lc := codesIn(t, mh.say("bob", "dm", "/link"), 1)[0]
	before, snap := mh.roster(), mh.snapshot()
	if got := mh.tg("tg-bob", "dm", "/link "+lc, ""); !strings.Contains(got, "would count your ballot twice") {
		t.Errorf("/link with two ballots = %q", got)
	}
	if mh.roster() != before || mh.snapshot() != snap {
		t.Error("a refused link changed something")
	}
}

func TestSetupCodeAndClaim(t *testing.T) {
	mh := newMemberHarness(t, "en")
	ctx := t0ctx()
	if _, needed, err := mh.svc.SetupCode(ctx, []consultation.Platform{consultation.Console}); err != nil || needed {
		t.Errorf("SetupCode(console) = %v, %v; the console admin is configured", needed, err)
	}
	first, needed, err := mh.svc.SetupCode(ctx, []consultation.Platform{consultation.Telegram})
	if err != nil || !needed {
		t.Fatalf("SetupCode(telegram) = %v, %v; want a code", needed, err)
	}
	code, _, _ := mh.svc.SetupCode(ctx, []consultation.Platform{consultation.Telegram})
	if got := mh.tg("owner", "dm", "/claim "+first, ""); !strings.Contains(got, "does not exist") {
		t.Errorf("a replaced setup code = %q", got)
	}
	if got := mh.tg("owner", "", "/claim "+code, ""); !strings.Contains(got, "private message") {
		t.Errorf("/claim in a group = %q", got)
	}
	if got := mh.tg("owner", "dm", "/claim "+code, ""); !strings.Contains(got, "You are now an admin") {
		t.Fatalf("/claim = %q", got)
	}
	m, _ := mh.svc.MemberByIdentity(ctx, consultation.Telegram, "owner")
	if !m.IsAdmin() {
		t.Errorf("owner = %+v; want a verified admin", m)
	}
	if !auditHas(t, mh.harness, consultation.ActRole, "setup code") {
		t.Error("no audit entry for the claim")
	}
	if _, needed, _ := mh.svc.SetupCode(ctx, []consultation.Platform{consultation.Telegram}); needed {
		t.Error("a setup code is still made once an admin exists")
	}
}

// claims returns the pending roster claims, as an organiser sees them.
func (mh *memberHarness) claims() []*consultation.PendingClaim {
	mh.t.Helper()
	alice, err := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, "alice")
	if err != nil {
		mh.t.Fatal(err)
	}
	cs, err := mh.svc.PendingClaims(t0ctx(), consultation.Actor{MemberID: alice.ID})
	if err != nil {
		mh.t.Fatal(err)
	}
	return cs
}

func (mh *memberHarness) status(user string) consultation.Status {
	mh.t.Helper()
	m, err := mh.svc.MemberByIdentity(t0ctx(), consultation.Console, user)
	if err != nil {
		mh.t.Fatal(err)
	}
	return m.Status
}

func (mh *memberHarness) importRoster() {
	mh.t.Helper()
	_, err := mh.svc.ImportRoster(t0ctx(), []consultation.RosterEntry{
		{Number: "30-0012", Name: "Dan Martin", Section: "Nîmes"},
		{Number: "30-0013", Name: "Eve Durand", Section: "Alès"},
	})
	if err != nil {
		mh.t.Fatal(err)
	}
}

func TestRosterClaimNeedsAnOrganiser(t *testing.T) {
	mh := newMemberHarness(t, "fr")
	mh.setup()
	mh.importRoster()

	if got := mh.say("dan", "", "/rejoindre 30-0012"); !strings.Contains(got, "message privé") {
		t.Errorf("claim in the group = %q", got)
	}
	sent := mh.say("dan", "dm", "/rejoindre 30 0012")
	if !strings.Contains(sent, "si ce numéro figure sur la liste") {
		t.Fatalf("claim = %q", sent)
	}
	// A claim alone verifies nobody.
	if st := mh.status("dan"); st != consultation.Unverified {
		t.Errorf("dan after his claim is %s; want unverified", st)
	}
	before := mh.snapshot()
	if got := mh.say("dan", "", "/idee Un local ouvert le samedi"); !strings.Contains(got, "Seuls les membres vérifiés") {
		t.Errorf("idea from a claimant = %q", got)
	}
	if mh.snapshot() != before {
		t.Error("a claimant's idea was recorded")
	}
	// The same claim twice is one claim; an unknown number records nothing
	// and gets the very same answer; another person's claim to the same
	// number is recorded too, for the organiser to see.
	mh.say("dan", "dm", "/rejoindre 30-0012")
	if got := mh.say("mallory", "dm", "/rejoindre 99-9999"); got != sent {
		t.Errorf("unknown number = %q; want the same answer as a known one, %q", got, sent)
	}
	if got := mh.say("eve", "dm", "/rejoindre 30-0012"); got != sent {
		t.Errorf("number claimed twice = %q; want %q", got, sent)
	}
	cs := mh.claims()
	if len(cs) != 2 || cs[0].Member.Name != "dan" || cs[1].Member.Name != "eve" || cs[0].Rivals != 1 || cs[0].Entry.Name != "Dan Martin" {
		t.Fatalf("pending claims = %+v; want dan's and eve's, rivals", cs)
	}
	list := mh.say("alice", "", "/membres")
	for _, want := range []string{"dan réclame le n° 30-0012 — sur la liste : Dan Martin (Nîmes)", "eve réclame le n° 30-0012", "1 autre(s) personne(s)"} {
		if !strings.Contains(list, want) {
			t.Errorf("/membres lacks %q:\n%s", want, list)
		}
	}
	if b := mh.last["alice"]; len(b) != 2 || b[0][0].Data != "kc_1" || b[0][1].Data != "kr_1" || b[1][0].Data != "kc_2" {
		t.Errorf("claim buttons = %+v", b)
	}

	// Forged or foreign presses change nothing.
	roster := mh.roster()
	for _, tc := range []struct{ who, data, want string }{
		{"bob", "kc_1", "réservée aux organisateurs"},
		{"dan", "kc_1", "Seuls les membres vérifiés"},
		{"alice", "kc_99", "n'est pas valide"},
		{"alice", "kc_01", "n'est pas valide"},
		{"alice", "kx_1", "n'est pas valide"},
	} {
		if got := mh.press(tc.who, "dm", tc.data); !strings.Contains(got, tc.want) {
			t.Errorf("%s pressing %s = %q; want %q", tc.who, tc.data, got, tc.want)
		}
	}
	if mh.roster() != roster || len(mh.claims()) != 2 {
		t.Error("a refused press changed something")
	}

	// Confirming verifies the claimant and tells them privately.
	out := mh.bot.Handle(t0ctx(), bot.Event{Platform: consultation.Console, From: bot.User{ID: "alice", Username: "alice"}, Chat: bot.Chat{ID: "dm:alice", Private: true}, Data: "kc_1"})
	if len(out) != 2 || !out[0].Edit || !strings.Contains(out[0].Toast, "Demande #1 confirmée : dan") || out[1].To != bot.Direct || out[1].UserID != "dan" ||
		!strings.Contains(out[1].Text.String(), "30-0012 est confirmé") {
		t.Fatalf("confirm replies %+v", out)
	}
	if strings.Contains(out[0].Text.String(), "dan réclame") || !strings.Contains(out[0].Text.String(), "eve réclame") {
		t.Errorf("the list after confirming = %q; want only eve's claim", out[0].Text.String())
	}
	if st := mh.status("dan"); st != consultation.Verified {
		t.Errorf("dan after confirmation is %s", st)
	}
	if !auditHas(t, mh.harness, consultation.ActVerify, "roster 30-0012") {
		t.Error("no audit entry for the verification by roster")
	}
	if got := mh.say("dan", "", "/idee Un local ouvert le samedi"); !strings.Contains(got, "enregistrée") {
		t.Errorf("idea after confirmation = %q", got)
	}
	roster = mh.roster()
	for _, tc := range []struct{ data, want string }{
		{"kc_1", "déjà été traitée"},
		{"kc_2", "déjà attribué à un·e autre membre"},
	} {
		if got := mh.press("alice", "dm", tc.data); !strings.Contains(got, tc.want) {
			t.Errorf("alice pressing %s = %q; want %q", tc.data, got, tc.want)
		}
	}
	if mh.roster() != roster {
		t.Error("a refused decision changed the roster")
	}

	// Rejecting changes nothing but the claim, and tells the claimant.
	out = mh.bot.Handle(t0ctx(), bot.Event{Platform: consultation.Console, From: bot.User{ID: "alice", Username: "alice"}, Chat: bot.Chat{ID: "dm:alice", Private: true}, Data: "kr_2"})
	if len(out) != 2 || !strings.Contains(out[0].Toast, "Demande #2 refusée") || out[1].UserID != "eve" || !strings.Contains(out[1].Text.String(), "n'a pas été confirmée") {
		t.Fatalf("reject replies %+v", out)
	}
	if st := mh.status("eve"); st != consultation.Unverified {
		t.Errorf("eve after rejection is %s", st)
	}
	if len(mh.claims()) != 0 {
		t.Error("claims still pending after both were decided")
	}
	if !auditHas(t, mh.harness, consultation.ActClaimReject, "30-0012") {
		t.Error("no audit entry for the rejection")
	}
	if got := mh.say("bob", "dm", "/rejoindre 30-0013"); !strings.Contains(got, "déjà membre vérifié·e") {
		t.Errorf("claim by a verified member = %q", got)
	}
}

func TestRosterGuessingIsRateLimited(t *testing.T) {
	mh := newMemberHarness(t, "en")
	mh.setup()
	mh.importRoster()
	for i := range consultation.MaxAttempts {
		if got := mh.say("mallory", "dm", "/join 99-000"+string(rune('0'+i))); !strings.Contains(got, "if this number is on the membership list") {
			t.Fatalf("guess %d: %q", i, got)
		}
	}
	if got := mh.say("mallory", "dm", "/join 30-0013"); !strings.Contains(got, "try again in 60 minutes") {
		t.Errorf("sixth claim = %q; want a refusal saying when to retry", got)
	}
	if len(mh.claims()) != 0 {
		t.Error("a guesser's claims were recorded")
	}
	mh.advance(time.Hour)
	if got := mh.say("mallory", "dm", "/join 30-0013"); !strings.Contains(got, "Claim sent") || len(mh.claims()) != 1 {
		t.Errorf("after the window = %q; want the claim recorded", got)
	}
}

func TestSupportersVoteWhenTheConsultationAllowsIt(t *testing.T) {
	mh := newMemberHarness(t, "fr")
	mh.setup()
	codes := codesIn(t, mh.say("alice", "", "/inviter 2 sympathisante"), 2)
	mh.say("sam", "dm", "/rejoindre "+codes[0])
	mh.say("sam", "", "/aide")
	if got := mh.say("bob", "", "/consultation sympathisants oui"); !strings.Contains(got, "réservée aux organisateurs") {
		t.Errorf("a member allowing supporters = %q", got)
	}
	if got := mh.say("alice", "", "/consultation sympathisants peut-être"); !strings.Contains(got, "/consultation sympathisants oui") {
		t.Errorf("unreadable answer = %q", got)
	}
	if got := mh.say("alice", "", "/consultation sympathisants oui"); !strings.Contains(got, "sympathisant·es vérifié·es noteront") {
		t.Fatalf("allowing supporters = %q", got)
	}
	// Allowed to rate, with no evaluation open yet: told so, not refused
	// as a supporter.
	if got := mh.say("sam", "dm", "/evaluer"); strings.Contains(got, "sympathisant") || !strings.Contains(got, "Aucune évaluation n'est ouverte") {
		t.Errorf("supporter's /evaluer before the poll opens = %q", got)
	}
	mh.say("alice", "", "/sondage ouvrir")
	if got := mh.say("alice", "", "/consultation sympathisants non"); !strings.Contains(got, "phase « évaluation »") {
		t.Errorf("changing the rule after the poll opened = %q", got)
	}
	if got := mh.press("sam", "dm", "r_1_1_1_i_4"); !strings.Contains(got, "Enregistré") {
		t.Errorf("supporter's rating when allowed = %q", got)
	}
	p, err := mh.svc.Participation(t0ctx(), consultation.Actor{MemberID: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Electorate != 5 {
		t.Errorf("electorate = %d; want 5 (supporters included)", p.Electorate)
	}
	// A supporter who joins once the poll is open is told why, as a member
	// would be: supporters may vote here.
	mh.say("tess", "dm", "/rejoindre "+codes[1])
	if got := mh.press("tess", "dm", "r_1_1_1_i_4"); !strings.Contains(got, "après l'ouverture") {
		t.Errorf("late supporter's rating = %q; want the electorate refusal", got)
	}
}

func TestLinkRefusedWhenBothVoted(t *testing.T) {
	mh := newMemberHarness(t, "en")
	mh.setup()
	code := codesIn(t, mh.say("alice", "", "/invite"), 1)[0]
	mh.tg("tg-bob", "dm", "/join "+code, "")
	mh.say("alice", "", "/poll open")
	mh.say("alice", "", "/poll close")
	if got := mh.say("alice", "", "/synthesis vote"); !strings.Contains(got, "vote") {
		t.Fatalf("/synthesis vote = %q", got)
	}
	mh.press("bob", "dm", "v_1_y")
	mh.tg("tg-bob", "dm", "", "v_1_n")
	lc := codesIn(t, mh.say("bob", "dm", "/link"), 1)[0]
	before, snap := mh.roster(), mh.snapshot()
	if got := mh.tg("tg-bob", "dm", "/link "+lc, ""); !strings.Contains(got, "would count your vote twice") {
		t.Errorf("/link with two votes = %q", got)
	}
	if mh.roster() != before || mh.snapshot() != snap {
		t.Error("a refused link changed something")
	}
}
