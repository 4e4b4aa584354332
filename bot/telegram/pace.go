package telegram

import (
	"sync"
	"time"
)

// Telegram's documented limits on new messages: about 30 a second overall
// and 20 a minute in one group.
const (
	globalRate  = 30.0 // per second
	globalBurst = 30
	groupRate   = 20.0 / 60 // per second
	groupBurst  = 20
	maxBuckets  = 4096
)

// bucket is a token bucket whose level may go negative: a reservation
// beyond the burst returns how long to wait for its token.
type bucket struct {
	level float64
	last  time.Time
	rate  float64 // tokens per second
	burst float64
}

func (b *bucket) reserve(now time.Time) time.Duration {
	if b.last.IsZero() {
		b.level, b.last = b.burst, now
	}
	if now.After(b.last) {
		b.level = min(b.burst, b.level+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	b.level--
	if b.level >= 0 {
		return 0
	}
	return time.Duration(-b.level / b.rate * float64(time.Second))
}

// full reports whether the bucket has refilled, so forgetting it loses
// nothing.
func (b *bucket) full(now time.Time) bool {
	return b.level+now.Sub(b.last).Seconds()*b.rate >= b.burst
}

// pacer spaces the bot's new messages by the limits above, on an
// injectable clock.
type pacer struct {
	now    func() time.Time
	mu     sync.Mutex
	global bucket
	groups map[int64]*bucket
}

func newPacer(now func() time.Time) *pacer {
	return &pacer{now: now, global: bucket{rate: globalRate, burst: globalBurst}, groups: make(map[int64]*bucket)}
}

// group takes a slot for one message to chatID in its group's pace and
// returns how long to wait for it; private chats have no pace of their
// own. The overall slot is taken once that wait is over (see overall), so
// that messages held back by their groups do not all go at once when
// their turns come.
func (p *pacer) group(chatID int64) time.Duration {
	if chatID >= 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	b := p.groups[chatID]
	if b == nil {
		if len(p.groups) >= maxBuckets {
			for id, g := range p.groups {
				if g.full(now) {
					delete(p.groups, id)
				}
			}
		}
		b = &bucket{rate: groupRate, burst: groupBurst}
		p.groups[chatID] = b
	}
	return b.reserve(now)
}

// overall takes a slot for one message in the bot's overall pace and
// returns how long to wait for it.
func (p *pacer) overall() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.global.reserve(p.now())
}
