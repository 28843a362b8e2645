package readme_test

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path"
	"regexp"
	"strconv"
	"testing"
)

// block is one ```go block of README.md and the example it names.
type block struct {
	line    int // of the opening fence, 1-based
	example string
	src     []byte
}

var marker = regexp.MustCompile(`^<!-- example: (Example\w*) -->$`)

// readmeBlocks returns the ```go blocks of the README, each with the name in
// the marker comment on the line before its fence ("" when there is none).
func readmeBlocks(t *testing.T) []block {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(readme, []byte("\n"))
	var blocks []block
	for i := 0; i < len(lines); i++ {
		if string(bytes.TrimRight(lines[i], "\n")) != "```go" {
			continue
		}
		b := block{line: i + 1}
		if i > 0 {
			if m := marker.FindSubmatch(bytes.TrimRight(lines[i-1], "\n")); m != nil {
				b.example = string(m[1])
			}
		}
		for i++; i < len(lines) && string(bytes.TrimRight(lines[i], "\n")) != "```"; i++ {
			b.src = append(b.src, lines[i]...)
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// exampleBodies returns the source text between the braces of each Example
// function in example_test.go.
func exampleBodies(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "example_test.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	bodies := make(map[string]string)
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && len(fn.Name.Name) >= 7 && fn.Name.Name[:7] == "Example" {
			bodies[fn.Name.Name] = body(fset, src, fn)
		}
	}
	return bodies
}

func body(fset *token.FileSet, src []byte, fn *ast.FuncDecl) string {
	return string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset])
}

// TestREADME checks that every Go block in README.md is a complete,
// gofmt-formatted program importing exactly what it uses, whose main is
// byte-identical to the example its marker names; and that every example
// here appears in the README.
func TestREADME(t *testing.T) {
	blocks := readmeBlocks(t)
	bodies := exampleBodies(t)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go blocks")
	}
	seen := make(map[string]bool)
	for _, b := range blocks {
		if b.example == "" {
			t.Errorf("README.md:%d: ```go block without a <!-- example: ExampleName --> line before it", b.line)
			continue
		}
		if seen[b.example] {
			t.Errorf("README.md:%d: %s shown twice", b.line, b.example)
		}
		seen[b.example] = true
		want, ok := bodies[b.example]
		if !ok {
			t.Errorf("README.md:%d: %s is not in internal/readme/example_test.go", b.line, b.example)
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "main.go", b.src, parser.ParseComments)
		if err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
			continue
		}
		if formatted, err := format.Source(b.src); err != nil || !bytes.Equal(formatted, b.src) {
			t.Errorf("README.md:%d: block is not gofmt-formatted (%v)", b.line, err)
		}
		if f.Name.Name != "main" {
			t.Errorf("README.md:%d: package %s, want main", b.line, f.Name.Name)
		}
		var main *ast.FuncDecl
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "main" && fn.Recv == nil {
				main = fn
			} else if ok {
				t.Errorf("README.md:%d: func %s besides main: the example test cannot hold it", b.line, fn.Name.Name)
			}
		}
		if main == nil {
			t.Errorf("README.md:%d: no func main", b.line)
			continue
		}
		if got := body(fset, b.src, main); got != want {
			t.Errorf("README.md:%d: main differs from %s in internal/readme/example_test.go:\n--- README\n%s\n--- example\n%s", b.line, b.example, got, want)
		}
		checkImports(t, b.line, f)
	}
	for name := range bodies {
		if !seen[name] {
			t.Errorf("%s in internal/readme/example_test.go is not shown in README.md", name)
		}
	}
}

// checkImports reports imports the program does not use and package names
// it uses without importing them, which would fail to compile.
func checkImports(t *testing.T, line int, f *ast.File) {
	t.Helper()
	imported := make(map[string]bool)
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := path.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		imported[name] = true
	}
	used := make(map[string]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && knownPackages[id.Name] {
				used[id.Name] = true
			}
		}
		return true
	})
	for name := range imported {
		if !used[name] {
			t.Errorf("README.md:%d: %q imported and not used", line, name)
		}
	}
	for name := range used {
		if !imported[name] {
			t.Errorf("README.md:%d: %s used but not imported", line, name)
		}
	}
}

// knownPackages are the package names the README programs may use; a
// selector on any other name is taken for a field or method (telling them
// apart in general needs types, and a variable must not be named after one
// of these).
var knownPackages = map[string]bool{
	"fmt": true, "log": true, "os": true, "filepath": true, "mat": true,
	"adapter": true, "npy": true, "blasbridge": true, "colmajor": true,
	"rowmajor": true, "window": true, "blas64": true, "blas32": true, "safetensors": true,
	"lapack": true,
}
