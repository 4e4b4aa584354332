package bot

import (
	"sync"
	"time"

	"atelier/consultation"
)

// Limits bound how fast one member may act, against floods and scripts.
// Button presses are not limited: rating a long ballot takes many.
type Limits struct {
	Commands       int // commands per CommandsPeriod
	CommandsPeriod time.Duration
	Ideas          int // ideas per IdeasPeriod
	IdeasPeriod    time.Duration
}

// NoLimits turns both limits off (tests that script floods of messages).
var NoLimits = Limits{Commands: -1, Ideas: -1}

// DefaultLimits are 30 commands a minute and 10 ideas per 10 minutes.
var DefaultLimits = Limits{Commands: 30, CommandsPeriod: time.Minute, Ideas: 10, IdeasPeriod: 10 * time.Minute}

// bucket is a token bucket: it holds up to size tokens and regains size
// of them per period, continuously.
type bucket struct {
	tokens float64
	at     time.Time
}

// limiter keeps one bucket per member and kind of action, in memory: the
// counts start afresh when the process restarts, which at worst lets a
// flood resume one burst early.
type limiter struct {
	mu      sync.Mutex
	buckets map[limitKey]*bucket
}

type limitKey struct {
	member int64
	ideas  bool
}

// take spends a token of member's bucket, or returns how long until one is
// back.
func (l *limiter) take(member int64, ideas bool, size int, period time.Duration, now time.Time) (wait time.Duration, ok bool) {
	if size <= 0 || period <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = make(map[limitKey]*bucket)
	}
	k := limitKey{member, ideas}
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: float64(size), at: now}
		l.buckets[k] = b
	}
	if now.After(b.at) {
		b.tokens += float64(size) * float64(now.Sub(b.at)) / float64(period)
		if b.tokens > float64(size) {
			b.tokens = float64(size)
		}
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) * float64(period) / float64(size)), false
}

// limit refuses a command when the member has sent too many lately.
func (b *Bot) limit(r *request) error {
	lim := b.cfg.Limits
	if wait, ok := b.limiter.take(r.member.ID, false, lim.Commands, lim.CommandsPeriod, r.now); !ok {
		return slowDown("rate_limited", wait)
	}
	if r.cmd.Name == "idea" && r.cmd.Args != "" {
		if wait, ok := b.limiter.take(r.member.ID, true, lim.Ideas, lim.IdeasPeriod, r.now); !ok {
			return slowDown("too_many_ideas", wait)
		}
	}
	return nil
}

// slowDown is the refusal of a rate limit, saying when to retry: in
// seconds under a minute, else in minutes.
func slowDown(key string, wait time.Duration) error {
	if wait <= time.Minute {
		s := int((wait + time.Second - 1) / time.Second)
		if s < 1 {
			s = 1
		}
		return consultation.Errorf(consultation.EFORBIDDEN, key+"_seconds", "slow down: try again in %d seconds", s)
	}
	return consultation.Errorf(consultation.EFORBIDDEN, key+"_minutes", "slow down: try again in %d minutes", int((wait+time.Minute-1)/time.Minute))
}
