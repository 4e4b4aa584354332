package telegram_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"atelier/bot/telegram"
	"atelier/bot/telegram/telegramtest"
)

// benchMembers is how many members rate at the same time.
const benchMembers = 32

// member is a verified member with a ballot open in their private chat.
type member struct {
	user   telegramtest.User
	chat   telegramtest.Chat
	ballot int
	rates  [2]string // impact 2 and 4 on the proposal shown
	next   int
}

// ballots sets up an open evaluation and n members with their ballots.
func (e *env) ballots(tb testing.TB, n int) []*member {
	tb.Helper()
	cid := e.collecting()
	var ms []*member
	for i := range n {
		u := telegramtest.User{ID: int64(5000 + i), FirstName: "M" + strconv.Itoa(i), Username: "m" + strconv.Itoa(i), LanguageCode: "fr"}
		e.say(group, u, "/aide")
		e.say(group, alice, "/verifier @"+u.Username)
		ms = append(ms, &member{user: u, chat: telegramtest.PrivateChat(u)})
	}
	for i := 1; i <= 4; i++ {
		e.say(group, bob, "/idea Idée numéro "+strconv.Itoa(i)+" pour le banc d'essai")
	}
	e.say(group, alice, "/group 1 2 Premier")
	e.say(group, alice, "/group 3 4 Second")
	e.say(group, alice, "/poll open")
	for _, m := range ms {
		msg := only(tb, e.say(m.chat, m.user, "/start b_"+strconv.FormatInt(cid, 10)))
		m.ballot = msg.ID
		for i, want := range []string{"_i_2", "_i_4"} {
			for _, b := range msg.Buttons() {
				if strings.HasSuffix(b.CallbackData, want) {
					m.rates[i] = b.CallbackData
				}
			}
			if m.rates[i] == "" {
				tb.Fatalf("ballot has no %s button", want)
			}
		}
	}
	return ms
}

// rateData returns the data of an impact button of the shown proposal,
// alternating values so that every press changes the ballot. Rating only
// the impact never completes the proposal, so the ballot stays on it.
func (m *member) rateData() string {
	m.next++
	return m.rates[m.next%2]
}

// pressAll presses one button per member and waits until every press was
// answered; it returns how many presses it made.
func pressAll(tb testing.TB, srv *telegramtest.Server, ms []*member, data func(*member) string) int {
	answered := srv.CallbackAnswerCount()
	for _, m := range ms {
		srv.PressButton(m.chat, m.user, m.ballot, data(m))
	}
	want := answered + len(ms)
	if err := srv.WaitFor(ctxT(tb), func() bool { return srv.CallbackAnswerCount() >= want }); err != nil {
		tb.Fatalf("presses not answered: %v", err)
	}
	return len(ms)
}

// echo is what an echo bot edits the pressed message into.
type echo struct {
	client *http.Client // nil: the library's own
	text   string       // "" for "pressed <data>"
	html   bool
	// extra holds rows under the two echo buttons; when set, the keyboard
	// is sent as the adapter sends its own (each button's text and
	// callback data only) rather than with the library's button type.
	extra [][]telegramtest.InlineButton
}

// sized returns an echo that edits the pressed message into ballot's text
// and buttons (its buttons under the echo's own), so that it moves as many
// bytes as a ballot press does.
func sized(ballot telegramtest.Message, client *http.Client) echo {
	return echo{client: client, text: ballot.Text, html: ballot.ParseMode == "HTML", extra: ballot.ReplyMarkup.InlineKeyboard}
}

// markup returns the echo's keyboard.
func (ec echo) markup() models.ReplyMarkup {
	if ec.extra == nil {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{
			{Text: "2", CallbackData: "e_2"}, {Text: "4", CallbackData: "e_4"},
		}}}
	}
	type button struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data,omitempty"`
	}
	rows := [][]button{{{"2", "e_2"}, {"4", "e_4"}}}
	for _, row := range ec.extra {
		var r []button
		for _, b := range row {
			r = append(r, button{b.Text, b.CallbackData})
		}
		rows = append(rows, r)
	}
	return struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}{rows}
}

// echoBot runs go-telegram/bot with a bare handler that answers each
// press and edits the pressed message as ec says, on srv; it returns the
// members' messages and a function that stops it.
func echoBot(tb testing.TB, srv *telegramtest.Server, n int, ec echo) ([]*member, func()) {
	tb.Helper()
	client := ec.client
	ctx, cancel := context.WithCancel(context.Background())
	kb := ec.markup()
	mode := models.ParseMode("")
	if ec.html {
		mode = models.ParseModeHTML
	}
	opts := []tgbot.Option{tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe()}
	if client != nil {
		opts = append(opts, tgbot.WithHTTPClient(time.Minute, client))
	}
	b, err := tgbot.New(srv.Token(), append(opts,
		tgbot.WithDefaultHandler(func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
			q := u.CallbackQuery
			if q == nil || q.Message.Message == nil || !strings.HasPrefix(q.Data, "e_") {
				return
			}
			b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "ok " + q.Data})
			text := "pressed " + q.Data
			if ec.text != "" {
				// The pressed button changes the text, as a rating
				// changes a ballot: an edit that changes nothing is
				// refused, and costs less.
				text = ec.text + "\n" + q.Data
			}
			b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: q.Message.Message.Chat.ID, MessageID: q.Message.Message.ID,
				Text: text, ParseMode: mode, ReplyMarkup: kb})
		}))...)
	if err != nil {
		tb.Fatal(err)
	}
	var ms []*member
	for i := range n {
		u := telegramtest.User{ID: int64(9000 + i), FirstName: "E" + strconv.Itoa(i)}
		msg, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.ID, Text: "echo", ReplyMarkup: kb})
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, &member{user: u, chat: telegramtest.PrivateChat(u), ballot: msg.ID})
	}
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	tb.Cleanup(stop)
	return ms, stop
}

// BenchmarkRating measures ratings per second end to end (press → stored →
// callback answered and ballot edited) through the fake Bot API, against a
// bare go-telegram/bot echo handler on the same server in the same run:
// with the library's default HTTP client (echo/s, ratio); with the HTTP
// client the adapter uses (pooled-echo/s, pooled-ratio); and with that
// client, editing the pressed message into a ballot's text and buttons
// (ballot-echo/s, ballot-ratio), which leaves Atelier's own work as the
// only difference.
func BenchmarkRating(b *testing.B) {
	e := start(b)
	ms := e.ballots(b, benchMembers)
	ballot, _ := e.srv.Message(ms[0].chat.ID, ms[0].ballot)
	b.ResetTimer()
	b.StopTimer()

	// The four bots take turns, a slice of the rounds each, so that a
	// change in the machine's load touches them alike. Two pollers on one
	// bot conflict, as on Telegram: each stops before the next starts.
	const turns = 4
	rounds := max(1, b.N/benchMembers/turns)
	floors := []echo{{}, {client: telegram.NewHTTPClient()}, sized(ballot, telegram.NewHTTPClient())}
	var took, cpu [4]time.Duration
	var presses [4]int
	timed := func(k int, ms []*member, data func(*member) string) {
		// One round first, untimed, so that no bot is timed while it
		// starts (its first poll, its connections).
		pressAll(b, e.srv, ms, data)
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		for range rounds {
			presses[k] += pressAll(b, e.srv, ms, data)
		}
		cpu[k] += cpuTime() - c0
		took[k] += time.Since(t0)
		b.StopTimer()
	}
	for turn := range turns {
		if turn > 0 {
			e.run()
		}
		timed(0, ms, func(m *member) string { return m.rateData() })
		as := e.srv.CallbackAnswers()
		for _, a := range as[len(as)-len(ms):] {
			if !strings.HasPrefix(a.Text, "Enregistré") {
				b.Fatalf("a press was answered %q; want its rating recorded", a.Text)
			}
		}
		e.stop()
		for i, ec := range floors {
			echoes, stop := echoBot(b, e.srv, benchMembers, ec)
			timed(i+1, echoes, func(m *member) string {
				m.next++
				return "e_" + strconv.Itoa(2+2*(m.next%2))
			})
			stop()
		}
	}
	rate := func(k int) float64 { return float64(presses[k]) / took[k].Seconds() }
	atelier, bare, pooled, sameSize := rate(0), rate(1), rate(2), rate(3)
	b.ReportMetric(atelier, "ratings/s")
	b.ReportMetric(bare, "echo/s")
	b.ReportMetric(atelier/bare, "ratio")
	b.ReportMetric(pooled, "pooled-echo/s")
	b.ReportMetric(atelier/pooled, "pooled-ratio")
	b.ReportMetric(sameSize, "ballot-echo/s")
	b.ReportMetric(atelier/sameSize, "ballot-ratio")
	// The process's CPU time per press (bot, library and fake server
	// together), and how many of the machine's cores were busy.
	for k, name := range []string{"atelier", "echo"} {
		b.ReportMetric(float64(cpu[k].Microseconds())/float64(presses[k]), name+"-cpu-µs")
		b.ReportMetric(cpu[k].Seconds()/took[k].Seconds(), name+"-cores")
	}
	b.ReportMetric(0, "ns/op")
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBurst sends 500 presses at 500 a second and reports the time
// from each press to its callback answer. It is a load figure, not a test:
// nothing is asserted on time.
func BenchmarkBurst(b *testing.B) {
	e := start(b)
	ms := e.ballots(b, benchMembers)
	const burst = 500
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		sentAt := map[string]time.Time{}
		seen := len(e.srv.CallbackAnswers())
		tick := time.NewTicker(time.Second / burst)
		for i := range burst {
			m := ms[i%len(ms)]
			u := e.srv.PressButton(m.chat, m.user, m.ballot, m.rateData())
			sentAt[u.CallbackQueryID] = time.Now()
			<-tick.C
		}
		tick.Stop()
		want := seen + burst
		if err := e.srv.WaitFor(ctxT(b), func() bool { return e.srv.CallbackAnswerCount() >= want }); err != nil {
			b.Fatalf("burst not answered: %v (%d of %d)", err, e.srv.CallbackAnswerCount()-seen, burst)
		}
		for _, a := range e.srv.CallbackAnswers()[seen:] {
			if t, ok := sentAt[a.QueryID]; ok {
				lat = append(lat, a.At.Sub(t))
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
