package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogComplete reads the bot's and the domain's code and checks
// that every message it names exists in French and English: the keys
// passed to Lang.T and usage, and the keys of the domain's errors (shown
// as err.<key>), since T falls back to the bare key.
func TestCatalogComplete(t *testing.T) {
	for key, v := range catalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s lacks a translation: %q", key, v)
		}
	}
	check := func(key, where string) {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s: no message %q", where, key)
		}
	}
	// Errors the chat layer renders without a message of their own, and
	// those of the roster import, which only the command line shows (in
	// English, with the line of the file).
	special := map[string]bool{"usage": true, "unknown_command": true, "wrong_phase": true, "duplicate_event": true}
	for _, k := range []string{"roster_number_blank", "roster_number_twice", "roster_name_blank", "roster_name_long", "roster_empty"} {
		special[k] = true
	}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../consultation"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "test/") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				name := ""
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				lit := func(i int) (string, bool) {
					if i >= len(call.Args) {
						return "", false
					}
					b, ok := call.Args[i].(*ast.BasicLit)
					if !ok || b.Kind != token.STRING {
						return "", false
					}
					s, err := strconv.Unquote(b.Value)
					return s, err == nil
				}
				where := fset.Position(call.Pos()).String()
				switch name {
				case "T":
					if k, ok := lit(0); ok {
						check(k, where)
					}
				case "usage":
					if k, ok := lit(0); ok {
						check("usage."+k, where)
					}
				case "Errorf":
					code, ok := call.Args[0].(*ast.Ident)
					if k, isLit := lit(1); ok && isLit && code.Name != "EINTERNAL" && !special[k] {
						check("err."+k, where)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
