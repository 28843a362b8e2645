package safetensors_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/strider-go/strider/adapter"
	"github.com/strider-go/strider/adapter/safetensors"
)

// A weight matrix is read where it lies in the file and multiplied by
// Gonum's BLAS without a copy.
func Example() {
	dir, err := os.MkdirTemp("", "safetensors")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")
	w, _ := adapter.NewArray([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, nil, 0)
	fd, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := safetensors.Write(fd, []safetensors.Tensor{{Name: "weight", Array: w}}, map[string]string{"format": "pt"}); err != nil {
		log.Fatal(err)
	}
	fd.Close()

	f, err := safetensors.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close() // the views below die here
	fmt.Println(f.Names(), f.Metadata())

	a, err := safetensors.Get[float64](f, "weight")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Shape, a.Strides, f.Copied("weight"))
	s, err := adapter.StridedView(a, 1)
	if err != nil {
		log.Fatal(err)
	}
	m, err := adapter.Wrap(s.Data, s.Layout) // a *mat.Dense over the mapped file
	if err != nil {
		log.Fatal(err)
	}
	var y mat.VecDense
	y.MulVec(m, mat.NewVecDense(3, []float64{1, 1, 1}))
	fmt.Println(mat.Formatted(y.T()))
	// Output:
	// [weight] map[format:pt]
	// [2 3] [3 1] false
	// [ 6  15]
}

// Convert copies a tensor of any numeric dtype into a fresh float array,
// here bfloat16 to float32 (exact) and to float64.
func ExampleConvert() {
	f, err := safetensors.Open("../../testdata/safetensors/good/dtypes.safetensors")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Info("bf16")
	fmt.Println(info.Dtype, info.Shape)

	a, err := safetensors.Convert[float32](f, "bf16")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Data)
	_, err = safetensors.Get[float32](f, "bf16") // no view of BF16 as float32
	fmt.Println(err)
	b, _ := safetensors.Convert[float64](f, "i16")
	fmt.Println(b.Data)
	// Output:
	// BF16 [5]
	// [1 -2.5 3.3895314e+38 9.1835e-41 -Inf]
	// safetensors: unsupported dtype: tensor "bf16" is BF16, not F32; Convert copies it
	// [-32768 32767 -1]
}

// Write lays any strided array out in C order: here the transpose of a
// 2×3 matrix, a view with strides [1 3], is written as the 3×2 matrix.
func ExampleWrite() {
	a, _ := adapter.NewArray([]float32{1, 2, 3, 4, 5, 6}, []int{2, 3}, nil, 0)
	var buf bytes.Buffer
	err := safetensors.Write(&buf, []safetensors.Tensor{{Name: "at", Array: a.Permute(1, 0)}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	b := buf.Bytes()
	n := binary.LittleEndian.Uint64(b)
	fmt.Printf("%d %q\n", n, b[8:8+n])
	for k := 8 + int(n); k < len(b); k += 4 {
		fmt.Print(math.Float32frombits(binary.LittleEndian.Uint32(b[k:])), " ")
	}
	fmt.Println()
	// Output:
	// 64 "{\"at\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]}}      "
	// 1 4 2 5 3 6
}
