package half

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/strider-go/strider/internal/fixture"
)

// ldexpValue computes the value of a binary floating-point format with the
// given exponent and mantissa widths from its bits by the definition, in
// float64 with math.Ldexp, independently of the bit manipulation under
// test. It reports NaN as ok=false.
func ldexpValue(bits uint32, expBits, manBits uint) (v float64, ok bool) {
	sign := bits >> (expBits + manBits) & 1
	exp := int(bits >> manBits & (1<<expBits - 1))
	man := float64(bits & (1<<manBits - 1))
	bias := 1<<(expBits-1) - 1
	switch exp {
	case 1<<expBits - 1:
		if man != 0 {
			return 0, false
		}
		v = math.Inf(1)
	case 0:
		v = math.Ldexp(man, 1-bias-int(manBits))
	default:
		v = math.Ldexp(float64(uint32(1)<<manBits)+man, exp-bias-int(manBits))
	}
	if sign == 1 {
		v = -v
	}
	return v, true
}

// checkAll compares conv with the definition for all 65536 bit patterns:
// the same value (and the same sign of zero), and for NaNs a NaN with the
// same sign and the payload in the top of float32's mantissa.
func checkAll(t *testing.T, name string, conv func(uint16) float32, expBits, manBits uint) {
	for b := range 1 << 16 {
		h := uint16(b)
		got := conv(h)
		want, ok := ldexpValue(uint32(h), expBits, manBits)
		if !ok {
			gb := math.Float32bits(got)
			wantBits := uint32(h>>15)<<31 | 0x7f800000 | uint32(h)&(1<<manBits-1)<<(23-manBits)
			if !math.IsNaN(float64(got)) || gb != wantBits {
				t.Fatalf("%s(%#04x): got %#08x, want the NaN %#08x", name, h, gb, wantBits)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != math.Signbit(want) {
			t.Fatalf("%s(%#04x): got %v, want %v", name, h, got, want)
		}
	}
}

func TestFloat16Definition(t *testing.T) {
	checkAll(t, "Float16ToFloat32", Float16ToFloat32, 5, 10)
}

func TestBFloat16Definition(t *testing.T) {
	checkAll(t, "BFloat16ToFloat32", BFloat16ToFloat32, 8, 7)
}

// TestFloat16NumPy compares all 65536 conversions with NumPy's: testdata/gen_npy.py
// records the SHA-256 of the float32 bits (little-endian) NumPy gives
// np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32),
// NaN payloads included, and a few special values by name.
func TestFloat16NumPy(t *testing.T) {
	b, err := os.ReadFile(fixture.Path("npy/float16_table.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		NumPyVersion string `json:"numpy_version"`
		SHA256       string `json:"sha256"`
		Special      []struct {
			Name string `json:"name"`
			Bits uint16 `json:"bits"`
			F32  uint32 `json:"float32_bits"`
		} `json:"special"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Special) == 0 {
		t.Fatal("no special values")
	}
	for i, s := range fx.Special {
		if got := math.Float32bits(Float16ToFloat32(s.Bits)); got != s.F32 {
			t.Errorf("test %d (%s, %#04x): got %#08x, want %#08x", i, s.Name, s.Bits, got, s.F32)
		}
	}
	buf := make([]byte, 0, 4<<16)
	for b := range 1 << 16 {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(Float16ToFloat32(uint16(b))))
	}
	sum := sha256.Sum256(buf)
	if got := hex.EncodeToString(sum[:]); got != fx.SHA256 {
		t.Errorf("the 65536 conversions differ from NumPy %s's: SHA-256 %s, want %s", fx.NumPyVersion, got, fx.SHA256)
	}
}
