package telegram

import (
	"testing"
	"time"
)

// TestPacerOverallSlotTakenWhenSending has forty groups, each past its
// burst, wait for their next message's turn: when the turns come together,
// the overall pace (30 a second) still spaces them, since the overall slot
// is taken when a message goes, not when its group's wait begins.
func TestPacerOverallSlotTakenWhenSending(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	p := newPacer(func() time.Time { return now })
	const groups = 40
	for g := range int64(groups) {
		for range groupBurst {
			if w := p.group(-1 - g); w != 0 {
				t.Fatalf("group %d waits %v within its burst", g, w)
			}
		}
	}
	var waits []time.Duration
	for g := range int64(groups) {
		waits = append(waits, p.group(-1-g))
	}
	for g, w := range waits {
		if w != 3*time.Second {
			t.Fatalf("group %d waits %v past its burst; want about 3 s", g, w)
		}
	}
	now = now.Add(3 * time.Second) // every group's turn has come
	late := 0
	for range groups {
		if p.overall() > 0 {
			late++
		}
	}
	if late != groups-globalBurst {
		t.Errorf("%d of %d messages wait for the overall pace; want %d", late, groups, groups-globalBurst)
	}
	if w := p.group(5); w != 0 {
		t.Errorf("a private chat waits %v for a group pace", w)
	}
}
