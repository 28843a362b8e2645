package window

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/internal/bounds"
)

// Prepared is a convolution layer with its filters prepared once — copied,
// and re-packed or transformed where its algorithm needs it, as oneDNN
// reorders weights — and its own scratch. Its Forward repacks nothing and,
// once as many calls have run at once as ever will, allocates nothing: the
// scratch stays on the layer's free lists, not in pools the garbage
// collector may empty. Forward may be called from many goroutines at once,
// on outputs that do not overlap.
//
// The algorithm is chosen by Prepare, on the BLAS backend active then
// (Plan says which and why); Forward issues its calls to the backend
// active at each call.
type Prepared[T adapter.Float] struct {
	p    Conv2D
	g    convGeom
	algo Algorithm
	plan ConvPlan
	pre  prepared[T]
}

// prepared is a Prepared layer's filters and scratch, as runJob uses them.
type prepared[T convFloat] struct {
	w  []T // the filters, copied (the Format's layout)
	wt []T // re-packed (NCHW BatchedGEMM) or transformed (Winograd), or nil

	mu   sync.Mutex
	jobs []*convJob[T]
	ws   []*convWorkspace[T]
}

func (o *prepared[T]) getJob() *convJob[T] {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n := len(o.jobs); n > 0 {
		j := o.jobs[n-1]
		o.jobs = o.jobs[:n-1]
		return j
	}
	return new(convJob[T])
}

func (o *prepared[T]) putJob(j *convJob[T]) {
	o.mu.Lock()
	o.jobs = append(o.jobs, j)
	o.mu.Unlock()
}

func (o *prepared[T]) getWS() *convWorkspace[T] {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n := len(o.ws); n > 0 {
		ws := o.ws[n-1]
		o.ws = o.ws[:n-1]
		return ws
	}
	return new(convWorkspace[T])
}

func (o *prepared[T]) putWS(ws *convWorkspace[T]) {
	o.mu.Lock()
	o.ws = append(o.ws, ws)
	o.mu.Unlock()
}

// Prepare prepares the layer p with filters w (in p.Format's weight
// layout, as Forward takes them): it checks p and w as Forward does,
// chooses the algorithm, and copies w into memory of its own, re-packed
// or transformed for that algorithm. Later changes to w do not reach the
// layer.
func Prepare[T adapter.Float](p Conv2D, w []T) (*Prepared[T], error) {
	g, err := p.geometry()
	if err != nil {
		return nil, err
	}
	_, ws, _ := g.shapes()
	if err := checkConvLen("w", len(w), g.wlen, ws); err != nil {
		return nil, err
	}
	be := blasbridge.Active()
	algo, why, err := resolve[T](p, &g, &be)
	if err != nil {
		return nil, err
	}
	l := &Prepared[T]{p: p, g: g, algo: algo}
	switch {
	case algo == Winograd:
		a := g.wino.alpha
		l.pre.wt = make([]T, a*a*g.f*g.cg)
		winoFilters(&g, l.pre.wt, w)
	case (algo == BatchedGEMM) && !g.nhwc:
		l.pre.wt = make([]T, g.wlen)
		tapMajor(&g, l.pre.wt, w)
	default:
		l.pre.w = append([]T(nil), w...)
	}
	l.plan = planOf[T](&g, algo, why, &be)
	l.plan.Prepared = true
	l.plan.FilterBytes = int(unsafe.Sizeof(T(0))) * (len(l.pre.w) + len(l.pre.wt))
	return l, nil
}

// Forward computes the layer's convolution of x into dst, as
// Conv2D.Forward does with the filters given to Prepare: the same errors
// for x and dst, and nothing written on any error.
func (l *Prepared[T]) Forward(dst, x []T) error {
	g := l.g
	xs, _, ys := g.shapes()
	if err := checkConvLen("x", len(x), g.xlen, xs); err != nil {
		return err
	}
	if err := checkConvLen("dst", len(dst), g.ylen, ys); err != nil {
		return err
	}
	if bounds.SlicesOverlap(dst, x) {
		return fmt.Errorf("%w: dst and x share memory", ErrOverlap)
	}
	switch l.algo {
	case Direct:
		directConv(&g, dst, x, l.pre.w)
	default:
		be := blasbridge.Active()
		runJob(&g, l.algo, &be, dst, x, nil, &l.pre)
	}
	return nil
}

// Plan returns how Forward runs.
func (l *Prepared[T]) Plan() ConvPlan { return l.plan }

// Conv2D returns the layer's description.
func (l *Prepared[T]) Conv2D() Conv2D { return l.p }

// ConvPlan is how a convolution runs: the algorithm and why, the BLAS
// calls it issues and the memory it uses. Conv2D.Plan and Plan32 give the
// plan of a Forward call, Prepared.Plan that of a prepared layer.
type ConvPlan struct {
	// Algorithm is what runs: Auto resolved, or Direct where a size
	// exceeds what the backend takes.
	Algorithm Algorithm
	// Reason says why: Auto's rule, or "asked for".
	Reason string
	// WinogradTile is m of F(m×m, 3×3) when Algorithm is Winograd.
	WinogradTile int
	// Backend is the BLAS backend the plan was made for.
	Backend string
	// Tasks is the pieces of work (an image, a block of its output rows,
	// a block of Winograd tiles) shared among up to Workers goroutines,
	// the caller included.
	Tasks, Workers int
	// Calls is the BLAS calls issued per Forward, before Gonum's BLAS is
	// cut into serial blocks. Winograd's are, per task, two transform
	// GEMMs and a batched call of Batch GEMMs per group.
	Calls, Batch int
	// GEMM is the shape of a typical call, "m×k·k×n", or "" when none.
	GEMM string
	// ScratchBytes is the scratch one worker uses; FilterBytes the
	// filters a prepared layer holds (re-packed or transformed), or that
	// each unprepared call re-packs or transforms (0 when it uses them in
	// place).
	ScratchBytes, FilterBytes int
	// Prepared is true for a Prepared layer's plan.
	Prepared bool
	// CopiedBytes is what ForwardArray's calls packed, in all: views of x,
	// dst or the filters that BLAS cannot read in place. Forward and
	// Prepared layers copy nothing but their scratch.
	CopiedBytes int
}

// String describes the plan in one line.
func (p ConvPlan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v", p.Algorithm)
	if p.WinogradTile > 0 {
		fmt.Fprintf(&b, " F(%d×%d, 3×3)", p.WinogradTile, p.WinogradTile)
	}
	fmt.Fprintf(&b, " (%s) on %s: %d tasks on up to %d workers", p.Reason, p.Backend, p.Tasks, p.Workers)
	switch {
	case p.Calls == 0:
		b.WriteString(", no BLAS calls")
	case p.Batch > 1:
		fmt.Fprintf(&b, ", %d batched GEMM calls of %d %s", p.Calls, p.Batch, p.GEMM)
	default:
		fmt.Fprintf(&b, ", %d GEMM calls like %s", p.Calls, p.GEMM)
	}
	fmt.Fprintf(&b, ", scratch %d B per worker", p.ScratchBytes)
	if p.CopiedBytes > 0 {
		fmt.Fprintf(&b, ", copied %d B", p.CopiedBytes)
	}
	if p.FilterBytes > 0 {
		if p.Prepared {
			fmt.Fprintf(&b, ", filters prepared once: %d B", p.FilterBytes)
		} else {
			fmt.Fprintf(&b, ", filters re-packed per call: %d B", p.FilterBytes)
		}
	}
	return b.String()
}

// Plan returns how Forward would run p on float64 data with the backend
// now active, or the error Forward would return for p's geometry.
func (p Conv2D) Plan() (ConvPlan, error) { return convPlan[float64](p) }

// Plan32 is Plan for Forward32.
func (p Conv2D) Plan32() (ConvPlan, error) { return convPlan[float32](p) }

func convPlan[T convFloat](p Conv2D) (ConvPlan, error) {
	g, err := p.geometry()
	if err != nil {
		return ConvPlan{}, err
	}
	be := blasbridge.Active()
	algo, why, err := resolve[T](p, &g, &be)
	if err != nil {
		return ConvPlan{}, err
	}
	return planOf[T](&g, algo, why, &be), nil
}

// planOf describes the job runJob would run.
func planOf[T convFloat](g *convGeom, algo Algorithm, why string, be *blasbridge.Backend) ConvPlan {
	size := int(unsafe.Sizeof(T(0)))
	pl := ConvPlan{Algorithm: algo, Reason: why, Backend: be.Name, Tasks: 1, Workers: 1}
	if algo == Direct {
		return pl
	}
	j := &convJob[T]{g: *g, algo: algo, own: &prepared[T]{}} // own: plan without packing
	procs := runtime.GOMAXPROCS(0)
	shape := func(m, k, n int) string { return fmt.Sprintf("%d×%d·%d×%d", m, k, k, n) }
	switch algo {
	case Im2Col:
		pl.Tasks = g.n
		pl.Calls = g.n * g.groups
		if g.nhwc {
			pl.GEMM = shape(g.oh*g.ow, g.gpatch, g.fg)
		} else {
			pl.GEMM = shape(g.fg, g.gpatch, g.oh*g.ow)
		}
		pl.ScratchBytes = size * g.col
	case Depthwise:
		j.planRows(procs)
		pl.Tasks = g.n * j.blocks
	case Winograd:
		j.planWinograd()
		a := g.wino.alpha
		pl.Tasks = j.ntasks
		// Per task: the input and output transforms, one GEMM each, and a
		// batched call of α² GEMMs per group.
		pl.Calls, pl.Batch = j.ntasks*(g.groups+2), a*a
		pl.WinogradTile = g.wino.m
		if g.nhwc {
			pl.GEMM = shape(j.rows, g.cg, g.fg)
		} else {
			pl.GEMM = shape(g.fg, g.cg, j.rows)
		}
		m := g.wino.m
		pl.ScratchBytes = size * (max(2*a*a*g.c, m*m*g.f) + a*a*g.f) * j.rows
		pl.FilterBytes = size * a * a * g.f * g.cg
	default:
		j.planKn2row(procs)
		pl.Tasks = g.n * j.blocks
		perBlock := g.taps * g.groups
		switch {
		case j.mode == kRows, j.mode == kDecim && g.sh != 1:
			perBlock *= j.rows
			if g.nhwc {
				pl.GEMM = shape(g.ow, g.cg, g.fg)
			} else {
				pl.GEMM = shape(g.fg, g.cg, g.ow)
			}
		case g.nhwc:
			pl.GEMM = shape((j.rows-1)*g.wp+g.ow, g.cg, g.fg)
		case j.mode == kDecim:
			pl.GEMM = shape(g.fg, g.cg, j.rows*g.ow)
		default:
			pl.GEMM = shape(g.fg, g.cg, (j.rows-1)*g.wp+g.ow)
		}
		pl.Calls = pl.Tasks * perBlock
		pl.ScratchBytes = size * j.kn2rowScratch(j.rows)
		if !g.nhwc {
			pl.FilterBytes = size * g.wlen
		}
	}
	pl.Workers = min(procs, pl.Tasks)
	if float64(g.ylen)*float64(g.gpatch) < 1<<16 {
		pl.Workers = 1
	}
	return pl
}
