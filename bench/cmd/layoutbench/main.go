// Command layoutbench measures layout choices for matrix workloads on this
// machine. For now it is a short demonstration of strider's foundation: it
// wraps buffers in several NumPy layouts without copying, classifies them,
// multiplies a column-major matrix with Gonum through the BLAS trans flag,
// and reports what was copied against the copy-first alternative.
//
// Usage:
//
//	go run ./bench/cmd/layoutbench [-n 512] [-reps 5]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/colmajor"
)

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "layoutbench:", err)
		os.Exit(2)
	}
}

func run(w io.Writer, args []string) error {
	fs := flag.NewFlagSet("layoutbench", flag.ContinueOnError)
	fs.SetOutput(w)
	n := fs.Int("n", 512, "matrix size for the multiplication demo")
	reps := fs.Int("reps", 5, "timed repetitions (the median is shown)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 4096 {
		return fmt.Errorf("-n %d: want 1..4096", *n)
	}
	if *reps < 1 {
		return fmt.Errorf("-reps %d: want at least 1", *reps)
	}

	fmt.Fprintln(w, "strider layoutbench — foundation demo (GOARCH", runtime.GOARCH+", GOMAXPROCS", fmt.Sprint(runtime.GOMAXPROCS(0))+")")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "NumPy views of a 6×8 float64 buffer, wrapped without copying:")
	buf := make([]float64, 6*8)
	for k := range buf {
		buf[k] = float64(k)
	}
	for _, v := range []struct {
		expr           string
		shape, strides []int
		offset         int
	}{
		{"a = arange(48.).reshape(6, 8)", []int{6, 8}, []int{64, 8}, 0},
		{"a.T", []int{8, 6}, []int{8, 64}, 0},
		{"a[1:4, 2:6]", []int{3, 4}, []int{64, 8}, 80},
		{"a[::-1, :]", []int{6, 8}, []int{-64, 8}, 320},
		{"a[:, ::2]", []int{6, 4}, []int{64, 16}, 0},
		{"broadcast_to(a[0], (6, 8))", []int{6, 8}, []int{0, 8}, 0},
	} {
		l, err := adapter.FromNumPy(v.shape, v.strides, 8, v.offset)
		if err != nil {
			return err
		}
		m, err := adapter.Wrap(buf, l)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-28s %-17T %v\n", v.expr, m, l)
	}

	fmt.Fprintln(w)
	fmt.Fprintf(w, "C = A·B, n=%d, A column-major (a Fortran/LAPACK result), B and C row-major:\n", *n)
	data := make([]float64, *n**n)
	for k := range data {
		data[k] = float64(k%17) - 8
	}
	a, err := colmajor.New(data, *n, *n, *n)
	if err != nil {
		return err
	}
	b := mat.NewDense(*n, *n, slices.Clone(data))
	var c mat.Dense
	c.Mul(a, b) // warm up and size c
	flagT, flagB := measure(*reps, func() { c.Mul(a, b) })
	copyT, copyB := measure(*reps, func() { c.Mul(mat.DenseCopyOf(a), b) })
	flops := 2 * float64(*n) * float64(*n) * float64(*n)
	fmt.Fprintf(w, "  %-40s %10s %8s %12s\n", "choice", "time", "GFLOP/s", "allocated")
	fmt.Fprintf(w, "  %-40s %10v %8.2f %12s\n", "trans flag (colmajor.Dense, 0 B copied)", flagT.Round(time.Microsecond), flops/flagT.Seconds()/1e9, byteSize(flagB))
	fmt.Fprintf(w, "  %-40s %10v %8.2f %12s\n", "copy to row-major, then NoTrans", copyT.Round(time.Microsecond), flops/copyT.Seconds()/1e9, byteSize(copyB))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Medians of", *reps, "runs on pure-Go Gonum BLAS; `go test -bench Mul ./colmajor` gives the benchstat-ready figures.")
	return nil
}

// measure returns the median wall time of f over reps runs and the bytes it
// allocated per run.
func measure(reps int, f func()) (time.Duration, uint64) {
	times := make([]time.Duration, reps)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range times {
		start := time.Now()
		f()
		times[i] = time.Since(start)
	}
	runtime.ReadMemStats(&after)
	slices.Sort(times)
	return times[reps/2], (after.TotalAlloc - before.TotalAlloc) / uint64(reps)
}

func byteSize(b uint64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}
