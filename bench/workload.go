package bench

import (
	"fmt"
	"slices"
	"strings"
)

// Family is a group of workloads that answer one question about layout, such
// as "which plan for a GEMM with column-major operands". Its go test twin is
// the benchmark named "Benchmark" + Bench in this package.
type Family struct {
	// Name is the family's name on the command line: "traverse", "gemm", ….
	Name string
	// Bench is the go test benchmark's name without "Benchmark": "Gemm".
	Bench string
	// Doc says in one line what the family measures.
	Doc string
	// Workloads are the family's workloads, each with its own choices.
	Workloads []Workload
}

// Workload is one problem — fixed operand layouts and one operation — with
// several ways to compute it (its choices), measured at several sizes.
type Workload struct {
	// Name is "family/what", for example "gemm/col".
	Name string
	// Key is the workload's segment of a benchmark name, "layout=col".
	Key string
	// Doc says in one line what is computed and how the operands are laid out.
	Doc string
	// Unit is "n" for an n×n matrix; it names the size in benchmark names.
	Unit string
	// Sizes and QuickSizes are the sizes measured by default and in quick
	// mode; MaxSize bounds the sizes a user may ask for.
	Sizes, QuickSizes []int
	MaxSize           int
	// Naive is the name of the choice a program without strider makes; every
	// speedup is over it, and it is kept when the fastest choice ties with it.
	Naive string
	// Choices are the ways to compute the workload.
	Choices []Choice
	// Label, when not nil, names a size in benchmark names when Unit=size
	// does not say everything (a batch's item count).
	Label func(size int) string
	// Fixed workloads are measured at Sizes only, whatever Options.Sizes
	// and Quick say: an operand the caller supplied has the size it has.
	Fixed bool
}

// SizeLabel returns the size segment of a benchmark name: "n=256", or what
// Label returns.
func (w *Workload) SizeLabel(size int) string {
	if w.Label != nil {
		return w.Label(size)
	}
	return fmt.Sprintf("%s=%d", w.Unit, size)
}

// Family returns the family part of the workload's name.
func (w *Workload) Family() string {
	f, _, _ := strings.Cut(w.Name, "/")
	return f
}

// Choice returns the choice called name, or nil.
func (w *Workload) Choice(name string) *Choice {
	for i := range w.Choices {
		if w.Choices[i].Name == name {
			return &w.Choices[i]
		}
	}
	return nil
}

// Choice is one way to compute a workload: a layout, a plan or an algorithm.
type Choice struct {
	// Name is short: "trans", "pack", "auto", "NHWC/im2col".
	Name string
	// Key is the choice's segment of a benchmark name, "plan=trans".
	Key string
	// Doc says in one line what the choice does.
	Doc string
	// Setup allocates and fills the operands for one size and returns the
	// case that runs the choice on them.
	Setup func(size int) (*Case, error)
}

// Auto is the name of the choice that lets strider plan: blasbridge.Gemm,
// Gemv or GemmBatched, or window.Auto.
const Auto = "auto"

// Case is a choice set up at one size, ready to run repeatedly.
type Case struct {
	// Run computes the workload once.
	Run func() error
	// Flops is the floating-point operations of one Run (for GFLOP/s), or 0
	// for a workload measured in bytes.
	Flops float64
	// Bytes is the bytes one Run must stream (for GB/s), used when Flops is 0.
	Bytes float64
	// Copied is the bytes the choice copies per Run on top of the operation
	// itself (packing, copying back); -1 when unknown.
	Copied int64
	// Plan describes how the call reached BLAS, for choices that ask strider.
	Plan string
	// Equivalent names the fixed choice whose plan strider's planner picked,
	// for Auto choices; "" when none matches or it is unknown.
	Equivalent string
	// Result returns the output of the last Run in a canonical order, so the
	// choices of a workload can be checked against each other.
	Result func() []float64
}

// Families returns every workload family, in the order the command runs
// them. Families with choices that depend on the backends registered with
// RegisterBackend are built at each call.
func Families() []Family {
	return []Family{
		traverseFamily(),
		gemmFamily(),
		gemvFamily(),
		stridedFamily(),
		batchedFamily(),
		convFamily(),
		ndFamily(),
		backendFamily(),
	}
}

// FamilyNames returns the names of Families, in order.
func FamilyNames() []string {
	var names []string
	for _, f := range Families() {
		names = append(names, f.Name)
	}
	return names
}

// WorkloadNames returns the names of every workload of every family.
func WorkloadNames() []string {
	var names []string
	for _, f := range Families() {
		for _, w := range f.Workloads {
			names = append(names, w.Name)
		}
	}
	return names
}

// Select returns the workloads named by names, each a family ("gemm") or a
// workload ("gemm/col"), in the order of Families; all of them when names is
// empty. An unknown name is an error that lists the valid ones.
func Select(names []string) ([]Workload, error) {
	return selectFrom(Families(), names)
}

// selectFrom is Select over the families fs.
func selectFrom(fs []Family, names []string) ([]Workload, error) {
	want := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !known(fs, n) {
			var families, workloads []string
			for _, f := range fs {
				families = append(families, f.Name)
				for _, w := range f.Workloads {
					workloads = append(workloads, w.Name)
				}
			}
			return nil, fmt.Errorf("%w %q: want a family (%s) or a workload (%s)",
				ErrUnknownWorkload, n, strings.Join(families, ", "), strings.Join(workloads, ", "))
		}
		want[n] = true
	}
	var ws []Workload
	for _, f := range fs {
		for _, w := range f.Workloads {
			if len(want) == 0 || want[f.Name] || want[w.Name] {
				ws = append(ws, w)
			}
		}
	}
	return ws, nil
}

func known(fs []Family, n string) bool {
	return slices.ContainsFunc(fs, func(f Family) bool {
		return f.Name == n || slices.ContainsFunc(f.Workloads, func(w Workload) bool { return w.Name == n })
	})
}

// BenchName returns the go test sub-benchmark name of a workload's choice at
// a size, size first, for example "Gemm/n=256/layout=col/plan=trans".
func BenchName(f *Family, w *Workload, c *Choice, size int) string {
	return f.Bench + "/" + w.SizeLabel(size) + "/" + w.Key + "/" + c.Key
}

// familyOf returns the family of fs a workload belongs to.
func familyOf(fs []Family, w *Workload) *Family {
	for _, f := range fs {
		if f.Name == w.Family() {
			return &f
		}
	}
	return &Family{Name: w.Family(), Bench: w.Family()}
}
