package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/strider-go/strider/bench"
)

// runCompare is layoutbench compare OLD.json NEW.json: per workload, size
// and choice measured in both reports, the change and its significance.
func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("layoutbench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	alpha := fs.Float64("alpha", bench.Alpha, "significance level of the Mann-Whitney U test, in (0, 1)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: layoutbench compare [-alpha A] OLD.json NEW.json\n\nOLD.json and NEW.json are reports of layoutbench -json (of other machines,\nbackends or commits); for every workload, size and choice measured in both\nit prints the change of time and whether it is significant.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err}
	}
	if fs.NArg() != 2 {
		return usagef("compare: want two reports, OLD.json NEW.json; got %d arguments", fs.NArg())
	}
	if !(*alpha > 0 && *alpha < 1) {
		return usagef("compare: -alpha %g: want a level in (0, 1)", *alpha)
	}
	var reps [2]*bench.Report
	for i, path := range fs.Args() {
		r, err := readReport(path)
		if err != nil {
			return err
		}
		reps[i] = r
	}
	d, err := bench.DiffReports(reps[0], reps[1], *alpha)
	if err != nil {
		return fmt.Errorf("compare %s %s: %w", fs.Arg(0), fs.Arg(1), err)
	}
	return bench.WriteDiff(stdout, d)
}

// readReport reads one JSON report; its errors name the file.
func readReport(path string) (*bench.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := bench.ReadReport(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
