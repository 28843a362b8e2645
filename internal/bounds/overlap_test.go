package bounds

import "testing"

func TestSlicesOverlap(t *testing.T) {
	buf := make([]float64, 10)
	other := make([]float64, 10)
	for _, tc := range []struct {
		name string
		a, b []float64
		want bool
	}{
		{"same", buf, buf, true},
		{"inside", buf, buf[3:5], true},
		{"last element", buf[:5], buf[4:], true},
		{"adjacent", buf[:5], buf[5:], false},
		{"adjacent reversed", buf[5:], buf[:5], false},
		{"other buffer", buf, other, false},
		{"empty", buf[3:3], buf, false},
		{"nil", nil, buf, false},
	} {
		if got := SlicesOverlap(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	f32 := make([]float32, 8)
	if SlicesOverlap(f32[:4], f32[4:]) || !SlicesOverlap(f32[:5], f32[4:]) {
		t.Error("float32: wrong element size")
	}
}
