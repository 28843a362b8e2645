package readme_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/npy"
	"github.com/strider-go/strider/adapter/safetensors"
	"github.com/strider-go/strider/blasbridge"
	"github.com/strider-go/strider/blasbridge/lapack"
	"github.com/strider-go/strider/colmajor"
	"github.com/strider-go/strider/window"
)

// The README's quick start.
func Example_quickStart() {
	// 2×3, column-major, ld = 2: columns (1 2), (3 4), (5 6).
	a, err := colmajor.New([]float64{1, 2, 3, 4, 5, 6}, 2, 3, 2)
	if err != nil {
		log.Fatal(err)
	}
	b := mat.NewDense(3, 1, []float64{1, 1, 1})
	var c mat.Dense
	c.Mul(a, b) // Gonum passes blas.Trans for a: nothing is copied
	fmt.Println(c.RawMatrix().Data)

	// The same buffer described the way NumPy does (strides in bytes):
	l, err := adapter.FromNumPy([]int{2, 3}, []int{8, 16}, 8, 0)
	if err != nil {
		log.Fatal(err)
	}
	m, err := adapter.Wrap([]float64{1, 2, 3, 4, 5, 6}, l)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%T: %v\n", m, l)

	// And back: any Gonum matrix with storage, or its transpose, as a Strided.
	s, ok := adapter.StridedOf(c.T())
	fmt.Println(s.Layout, ok)
	// Output:
	// [9 12]
	// *colmajor.Dense: col-major 2×3, ld=2 (contiguous)
	// row-major 1×2, ld=2 (contiguous) true
}

// The README's .npy program.
func Example_npy() {
	dir, err := os.MkdirTemp("", "strider")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "a.npy")

	// Write a column-major 3×2 matrix: it is saved with fortran_order True,
	// column by column, as np.save(np.asfortranarray(a)) would save it.
	out, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	s := adapter.Strided{Data: []float64{1, 2, 3, 4, 5, 6}, Layout: adapter.Layout{Rows: 3, Cols: 2, RowStride: 1, ColStride: 3}}
	if err := npy.Write(out, s); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}

	// Load copies the file into Go memory, as np.load does: what it
	// returns stays valid for as long as it is used.
	f, err := npy.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	a, err := f.Matrix() // *mat.Dense (C order) or *colmajor.Dense (Fortran): BLAS gets the trans flag
	if err != nil {
		log.Fatal(err)
	}
	var y mat.VecDense
	y.MulVec(a, mat.NewVecDense(2, []float64{1, 1}))
	fmt.Printf("%T %v %v\n", a, f.Shape(), y.RawVector().Data)

	// Open maps the file instead: nothing is copied, and every view of it
	// dies at Close (using one afterwards crashes the program).
	m, err := npy.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	v, err := npy.Get[float64](m) // an adapter.Array over the file's pages
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Shape, v.Strides, v.At(2, 1), m.Copied())
	if err := m.Close(); err != nil { // v is dead from here on
		log.Fatal(err)
	}
	// Output:
	// *colmajor.Dense [3 2] [5 7 9]
	// [3 2] [1 3] 6 false
}

// The README's archives program: .npz and safetensors.
func Example_archives() {
	dir, err := os.MkdirTemp("", "strider")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A 2×3×4 array, C order, saved in an .npz archive (stored, as
	// np.savez does; strider aligns members so they map in place) and in
	// a safetensors file.
	data := make([]float32, 24)
	for i := range data {
		data[i] = float32(i)
	}
	a, err := adapter.NewArray(data, []int{2, 3, 4}, nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	npz, err := os.Create(filepath.Join(dir, "a.npz"))
	if err != nil {
		log.Fatal(err)
	}
	aw := npy.NewArchiveWriter(npz, false)
	w, err := aw.Create("x")
	if err != nil {
		log.Fatal(err)
	}
	if err := npy.WriteArray(w, a); err != nil {
		log.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := npz.Close(); err != nil {
		log.Fatal(err)
	}
	st, err := os.Create(filepath.Join(dir, "a.safetensors"))
	if err != nil {
		log.Fatal(err)
	}
	if err := safetensors.Write(st, []safetensors.Tensor{{Name: "layer.weight", Array: a}}, nil); err != nil {
		log.Fatal(err)
	}
	if err := st.Close(); err != nil {
		log.Fatal(err)
	}

	// Read both back, mapped: views die when their archive or file closes.
	arch, err := npy.OpenArchive(filepath.Join(dir, "a.npz"))
	if err != nil {
		log.Fatal(err)
	}
	defer arch.Close()
	m, err := arch.Open("x")
	if err != nil {
		log.Fatal(err)
	}
	x, err := npy.Get[float32](m)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(arch.Names(), x.Shape, x.At(1, 2, 3), m.Copied())

	sf, err := safetensors.Open(filepath.Join(dir, "a.safetensors"))
	if err != nil {
		log.Fatal(err)
	}
	defer sf.Close()
	t, err := safetensors.Get[float32](sf, "layer.weight")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sf.Names(), t.Shape, t.At(1, 2, 3))
	// Output:
	// [x] [2 3 4] 23 false
	// [layer.weight] [2 3 4] 23
}

// The README's N-d matmul and einsum program.
func Example_matmul() {
	const B, H, S, D = 2, 3, 4, 8
	// Attention scores q·kᵀ for [B, H, S, D] arrays (nil strides: C order).
	q, _ := adapter.NewArray(make([]float64, B*H*S*D), []int{B, H, S, D}, nil, 0)
	k, _ := adapter.NewArray(make([]float64, B*H*S*D), []int{B, H, S, D}, nil, 0)
	scores, _ := adapter.NewArray(make([]float64, B*H*S*S), []int{B, H, S, S}, nil, 0)
	for i := range q.Data {
		q.Data[i], k.Data[i] = 1, 0.5
	}
	// One batched GEMM; k's matrices go through the trans flag.
	p, err := blasbridge.Matmul(1, q, k.Permute(0, 1, 3, 2), 0, scores)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(scores.At(1, 2, 3, 0), "·", p.Calls, "GEMMs, copied", p.CopiedBytes, "B")

	// The same from [B, S, H, D] storage: a loop over b around a batch over h.
	q2, _ := adapter.NewArray(q.Data, []int{B, S, H, D}, nil, 0)
	k2, _ := adapter.NewArray(k.Data, []int{B, S, H, D}, nil, 0)
	p, err = blasbridge.Einsum("bshd,bthd->bhst", 1, q2, k2, 0, scores)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("loops %s · batch %s · M %s · N %s · K %s · copied %d B\n", p.Loops, p.Batch, p.M, p.N, p.K, p.CopiedBytes)
	// Output:
	// 4 · 6 GEMMs, copied 0 B
	// loops b · batch h · M s · N t · K d · copied 0 B
}

// The README's convolution program.
func Example_conv() {
	// One 4×4 image with 2 channels, one 3×3 filter, padding 1, channels last.
	p := window.Conv2D{Format: window.NHWC, N: 1, C: 2, H: 4, W: 4, F: 1, KH: 3, KW: 3, PadH: 1, PadW: 1}
	x := make([]float64, p.N*p.H*p.W*p.C)
	w := make([]float64, p.KH*p.KW*p.C*p.F)
	for i := range x {
		x[i] = 1
	}
	for i := range w {
		w[i] = 1
	}
	oh, ow := p.OutDims()
	dst := make([]float64, p.N*oh*ow*p.F)
	// Auto: per-tap GEMMs on shifted views, or im2col where that is faster.
	if err := p.Forward(dst, x, w); err != nil {
		log.Fatal(err)
	}
	for i := range oh {
		fmt.Println(dst[i*ow : (i+1)*ow])
	}
	// Output:
	// [8 12 12 8]
	// [12 18 18 12]
	// [12 18 18 12]
	// [8 12 12 8]
}

// The README's convolution layer program.
func Example_convLayer() {
	// A MobileNet-style depthwise 3×3 layer, channels last: Groups = C, so
	// the HWIO filters are KH·KW·(C/Groups)·F = 3·3·1·4.
	p := window.Conv2D{Format: window.NHWC, N: 2, C: 4, H: 8, W: 8, F: 4, KH: 3, KW: 3, PadH: 1, PadW: 1, Groups: 4}
	w := make([]float32, 3*3*1*4)
	for i := range w {
		w[i] = 1.0 / 9 // a box blur on every channel
	}
	layer, err := window.Prepare(p, w) // filters prepared once, scratch owned: no allocation per call
	if err != nil {
		log.Fatal(err)
	}
	x := make([]float32, 2*8*8*4)
	for i := range x {
		x[i] = 1
	}
	y := make([]float32, len(x))
	if err := layer.Forward(y, x); err != nil {
		log.Fatal(err)
	}
	// Training: the gradients of sum(y) with respect to x and w.
	dy := x // all ones
	dx, dw := make([]float32, len(x)), make([]float32, len(w))
	if err := p.BackwardData32(dx, dy, w); err != nil {
		log.Fatal(err)
	}
	if err := p.BackwardFilter32(dw, x, dy); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v: corner %.4f, inside %.4f; dx inside %.4f; dw[0] %v\n",
		layer.Plan().Algorithm, y[0], y[4*(8+1)], dx[4*(8+1)], dw[0])
	// Output:
	// Depthwise: corner 0.4444, inside 1.0000; dx inside 1.0000; dw[0] 98
}

// The README's LAPACK program.
func Example_lapack() {
	// A Fortran-order 3×3 matrix (a LAPACK result, np.asfortranarray):
	// A = [[4 1 0] [1 4 1] [0 1 4]], column by column.
	data := []float64{4, 1, 0, 1, 4, 1, 0, 1, 4}
	a, err := colmajor.New(data, 3, 3, 3)
	if err != nil {
		log.Fatal(err)
	}
	b := mat.NewVecDense(3, []float64{5, 6, 5})

	// Solve A·x = b, factoring A where it lies: LAPACK factors the
	// row-major view of the buffer, Aᵀ, and solves with the trans flag.
	var x mat.VecDense
	plan, err := lapack.Solve(&x, a, b, lapack.Overwrite)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x = %.4g\n", mat.Formatted(x.T()))
	fmt.Println("A copied:", plan.A.CopiedBytes, "bytes; transposed:", plan.Transposed)
	fmt.Printf("the buffer holds the LU factors: %.4g\n", data)

	// The default, Preserve, copies A once and leaves it as it was.
	d, err := colmajor.New([]float64{2, 0, 0, 0, 3, 0, 0, 0, 4}, 3, 3, 3)
	if err != nil {
		log.Fatal(err)
	}
	var lu lapack.LU
	plan, err = lu.Factorize(d, lapack.Preserve)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("det %.4g; A copied: %d bytes\n", lu.Det(), plan.A.CopiedBytes)
	// Output:
	// x = [1  1  1]
	// A copied: 0 bytes; transposed: true
	// the buffer holds the LU factors: [4 1 0 0.25 3.75 1 0 0.2667 3.733]
	// det 24; A copied: 72 bytes
}
