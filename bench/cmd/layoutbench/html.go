package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/strider-go/strider/bench"
)

// htmlOutput is the -html flag: the file the HTML report goes to, or "".
type htmlOutput struct{ path string }

// addHTMLFlag registers -html on fs.
func addHTMLFlag(fs *flag.FlagSet) *htmlOutput {
	h := new(htmlOutput)
	fs.StringVar(&h.path, "html", "", "also write the report as one self-contained HTML page (charts, tables, environment) to `FILE.html`")
	return h
}

// check rejects a file name that does not end in .html or .htm, which
// catches a flag taken for the file name (-html -json).
func (h *htmlOutput) check() error {
	if h.path == "" {
		return nil
	}
	switch strings.ToLower(filepath.Ext(h.path)) {
	case ".html", ".htm":
		return nil
	}
	return usagef("-html %s: want a .html file", h.path)
}

// write writes rep's HTML page to the file, if one was asked for; nothing
// is written when rendering fails.
func (h *htmlOutput) write(rep *bench.Report) error {
	if h.path == "" {
		return nil
	}
	var b bytes.Buffer
	if err := bench.WriteHTML(&b, rep); err != nil {
		return err
	}
	return os.WriteFile(h.path, b.Bytes(), 0o644)
}
