// Package clocktest provides a consultation.Clock for tests, which moves
// only when the test says so, so that no test sleeps to wait for a
// schedule.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a clock a test moves by hand. With a step, each reading also
// moves it forward by the step, so that a scripted run sees time pass the
// same way every time.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

// New returns a clock standing at t until moved.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Stepping returns a clock that moves forward by step at each reading,
// starting from t: its first reading is t+step.
func Stepping(t time.Time, step time.Duration) *Clock { return &Clock{now: t, step: step} }

// Now returns the clock's time, after moving it by its step.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
