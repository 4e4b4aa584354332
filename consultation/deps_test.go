package consultation_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStandardLibraryOnly fails when the domain gains an import outside the
// standard library: it must not know about storage, chat platforms or cron.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "atelier/consultation" {
			t.Errorf("consultation imports %s; it may import only the standard library", pkg)
		}
	}
}
