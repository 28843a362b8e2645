package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/bench"
)

// blasThreads, set by netlib.go when built with -tags netlib, reads and
// sets OpenBLAS's thread count.
var blasThreads struct {
	get func() int
	set func(int)
}

// Markers delimit the part of a README that -readme rewrites.
const (
	beginMarker = "<!-- layoutbench:begin -->"
	endMarker   = "<!-- layoutbench:end -->"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("layoutbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "small sizes, few short samples")
	workloads := fs.String("workloads", "", "families or workloads, comma-separated: "+strings.Join(bench.FamilyNames(), ", ")+", and npy with -npy (default all, or npy with -npy)")
	sizes := fs.String("sizes", "", `sizes for every workload ("64,256") or per family or workload ("gemm=64,256;conv=8")`)
	threads := fs.Int("threads", 0, "GOMAXPROCS, and OpenBLAS threads with -tags netlib (default: leave as is)")
	backend := fs.String("backend", "", "backend for every family but backend (default: the active one)")
	reps := fs.Int("reps", 0, "samples always taken of every choice (default 8, quick 6; more while intervals are wide, see -budget)")
	minTime := fs.Duration("mintime", 0, "least duration of one sample (default 20ms, quick 3ms)")
	sampling := addSamplingFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	asMarkdown := fs.Bool("markdown", false, "print Markdown")
	plotFile := fs.String("plot", "", "write a PNG plot of throughput against size to `FILE.png`")
	htmlOut := addHTMLFlag(fs)
	readme := fs.String("readme", "", "write the Markdown between the layoutbench markers of `FILE`")
	list := fs.Bool("list", false, "list families, workloads and choices")
	npyPath := fs.String("npy", "", "measure GEMV and GEMM on the float64 matrix of `FILE.npy` (the npy family; only it unless -workloads)")
	from := fs.String("from", "", "measure nothing: render the report in `FILE.json` (what -json printed) as a table, -markdown, -json, -plot, -html or -readme")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: layoutbench [flags]\n       layoutbench -npy FILE.npy [flags]\n       layoutbench explain [flags] (see layoutbench explain -h)\n       layoutbench compare OLD.json NEW.json\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (the subcommands are explain and compare)", fs.Arg(0))
	}
	if *asJSON && *asMarkdown {
		return usagef("-json and -markdown: choose one")
	}
	if *reps < 0 || *minTime < 0 || *threads < 0 {
		return usagef("-reps, -mintime and -threads must not be negative")
	}
	if err := sampling.check(); err != nil {
		return err
	}
	if *plotFile != "" && !strings.EqualFold(filepath.Ext(*plotFile), ".png") {
		return usagef("-plot %s: want a .png file", *plotFile)
	}
	if err := htmlOut.check(); err != nil {
		return err
	}
	if *readme != "" {
		if err := checkMarkers(*readme); err != nil {
			return usageError{err}
		}
	}
	if *list {
		return listWorkloads(stdout)
	}
	if *from != "" {
		measuring := false
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "from", "json", "markdown", "plot", "html", "readme":
			default:
				measuring = true
			}
		})
		if measuring {
			return usagef("-from renders a saved report: it takes only -json, -markdown, -plot, -html and -readme")
		}
		rep, err := readReportFile(*from)
		if err != nil {
			return err
		}
		return writeOutputs(rep, stdout, *asJSON, *asMarkdown, *plotFile, htmlOut, *readme)
	}
	o := bench.Options{Quick: *quick, Reps: *reps, MinTime: *minTime}
	sampling.apply(&o)
	if *workloads != "" {
		o.Workloads = strings.Split(*workloads, ",")
	}
	var err error
	if o.Sizes, err = parseSizes(*sizes); err != nil {
		return usageError{err}
	}
	if *npyPath == "" {
		for _, name := range append(o.Workloads, slices.Collect(maps.Keys(o.Sizes))...) {
			if f, _, _ := strings.Cut(strings.TrimSpace(name), "/"); f == "npy" {
				return usagef("%s: the npy family measures a file's matrix: give -npy FILE.npy", name)
			}
		}
	} else {
		f, err := openNpy(*npyPath)
		if err != nil {
			return err
		}
		defer f.Close()
		a, err := npyMatrix(*npyPath, f)
		if err != nil {
			return err
		}
		fam, err := bench.MatrixFamily(npySource(*npyPath, f), a)
		if err != nil {
			return err
		}
		o.Extra = append(o.Extra, fam)
		if len(o.Workloads) == 0 {
			o.Workloads = []string{fam.Name}
		}
	}
	if *backend != "" {
		old, err := bench.UseBackend(*backend)
		if err != nil {
			return usageError{err}
		}
		defer bench.UseBackend(old.Name)
	}
	if *threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(*threads))
		if blasThreads.set != nil {
			defer blasThreads.set(blasThreads.get())
			blasThreads.set(*threads)
		}
	}
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		b := &progressBar{w: stderr, start: time.Now()}
		o.Progress = b.update
	}

	rep, err := bench.Run(ctx, o)
	if err != nil {
		if errors.Is(err, bench.ErrUnknownWorkload) || errors.Is(err, bench.ErrSize) {
			return usageError{err}
		}
		return err
	}

	return writeOutputs(rep, stdout, *asJSON, *asMarkdown, *plotFile, htmlOut, *readme)
}

// writeOutputs prints rep (JSON, Markdown or the table) and writes the
// plot, the HTML page and the README section that were asked for.
func writeOutputs(rep *bench.Report, stdout io.Writer, asJSON, asMarkdown bool, plotFile string, htmlOut *htmlOutput, readme string) error {
	var err error
	switch {
	case asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case asMarkdown:
		err = bench.WriteMarkdown(stdout, rep)
	default:
		err = bench.WriteTable(stdout, rep)
	}
	if err != nil {
		return err
	}
	if plotFile != "" {
		if err := writePlot(plotFile, rep); err != nil {
			return err
		}
	}
	if err := htmlOut.write(rep); err != nil {
		return err
	}
	if readme != "" {
		return updateReadme(readme, plotFile, rep)
	}
	return nil
}

// readReportFile reads a report that layoutbench -json wrote.
func readReportFile(path string) (*bench.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-from: %w", err)
	}
	defer f.Close()
	rep, err := bench.ReadReport(f)
	if err != nil {
		return nil, fmt.Errorf("-from %s: %w", path, err)
	}
	return rep, nil
}

// parseSizes reads "64,256" (every workload) or "gemm=64,256;conv=8"
// (per family or workload; ";" or spaces separate entries).
func parseSizes(s string) (map[string][]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	m := map[string][]int{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' }) {
		name, list, ok := strings.Cut(entry, "=")
		if !ok {
			name, list = "", entry
		}
		var ns []int
		for _, f := range strings.Split(list, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("-sizes %q: %q is not a positive integer", s, f)
			}
			ns = append(ns, n)
		}
		m[name] = append(m[name], ns...)
	}
	return m, nil
}

func listWorkloads(w io.Writer) error {
	var b bytes.Buffer
	for _, f := range bench.Families() {
		fmt.Fprintf(&b, "%s — %s (go test -bench Benchmark%s ./bench)\n", f.Name, f.Doc, f.Bench)
		for _, wl := range f.Workloads {
			fmt.Fprintf(&b, "  %s — %s; sizes %v, quick %v; naive %s\n", wl.Name, wl.Doc, wl.Sizes, wl.QuickSizes, wl.Naive)
			listChoices(&b, wl.Choices)
		}
	}
	// The npy family exists only around a file's matrix: list it as made
	// for a column-major one, which has every choice, without the
	// description of that matrix its workloads' docs end with.
	f, err := bench.MatrixFamily("FILE.npy", adapter.Strided{Data: make([]float64, 4), Layout: adapter.Layout{Rows: 2, Cols: 2, RowStride: 1, ColStride: 2}})
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "%s — %s; only with -npy FILE.npy (go test -bench Benchmark%s ./bench -args -npy FILE.npy)\n", f.Name, f.Doc, f.Bench)
	for _, wl := range f.Workloads {
		doc, _, _ := strings.Cut(wl.Doc, ", A the ")
		sizes := fmt.Sprintf("%s sizes %v, quick %v", wl.Unit, wl.Sizes, wl.QuickSizes)
		if wl.Fixed {
			sizes = "one size, the file's shape (" + wl.Unit + "=ROWSxCOLS)"
		}
		fmt.Fprintf(&b, "  %s — %s, A the file's matrix as stored; %s; naive %s\n", wl.Name, doc, sizes, wl.Naive)
		listChoices(&b, wl.Choices)
	}
	_, err = w.Write(b.Bytes())
	return err
}

func listChoices(b *bytes.Buffer, cs []bench.Choice) {
	for _, c := range cs {
		fmt.Fprintf(b, "    %-14s %s\n", c.Name, c.Doc)
	}
}

func writePlot(path string, rep *bench.Report) error {
	var b bytes.Buffer
	if err := bench.WritePlot(&b, rep); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func checkMarkers(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-readme: %w", err)
	}
	i, j := bytes.Index(data, []byte(beginMarker)), bytes.Index(data, []byte(endMarker))
	if i < 0 || j < i {
		return fmt.Errorf("-readme %s: no %s … %s section to rewrite", path, beginMarker, endMarker)
	}
	return nil
}

// updateReadme replaces the text between the markers with the Markdown
// report and, when a plot was written, a link to it.
func updateReadme(path, plot string, rep *bench.Report) error {
	if err := checkMarkers(path); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	md.WriteString(beginMarker + "\n")
	if err := bench.WriteMarkdown(&md, rep); err != nil {
		return err
	}
	if plot != "" {
		rel, err := filepath.Rel(filepath.Dir(path), plot)
		if err != nil {
			rel = plot
		}
		fmt.Fprintf(&md, "\n![throughput against size, one panel per workload](%s)\n", filepath.ToSlash(rel))
	}
	i := bytes.Index(data, []byte(beginMarker))
	j := bytes.Index(data, []byte(endMarker))
	out := append(append(append([]byte{}, data[:i]...), md.Bytes()...), data[j:]...)
	return os.WriteFile(path, out, 0o644)
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar redraws one line on a terminal.
type progressBar struct {
	w     io.Writer
	start time.Time
}

func (p *progressBar) update(done, total int, next string) {
	const width = 30
	if total <= 0 {
		return
	}
	if next == "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		return
	}
	fill := done * width / total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s  %s\x1b[K", strings.Repeat("#", fill), strings.Repeat(".", width-fill),
		done, total, time.Since(p.start).Round(time.Second), next)
}
