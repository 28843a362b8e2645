package blasbridge

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrSpec: an einsum specification is malformed, or does not fit the ranks
// of its operands.
var ErrSpec = errors.New("blasbridge: bad einsum specification")

// Label ids: a letter is its own rune; the axes an ellipsis stands for get
// ellipsisLabel + their position counted from the right, so that the
// ellipses of different operands align on the right as NumPy's broadcasting
// does.
const ellipsisLabel = 1 << 16

// einsumSpec is a parsed two-operand specification: a label per axis of
// each operand, after expanding ellipses for the given ranks.
type einsumSpec struct {
	in  [2][]int
	out []int
}

// parseSpec parses "ab,bc->ac" (or NumPy's implicit form "ab,bc", whose
// output is the labels that appear once, sorted) for operands of ranks ra
// and rb. The output's rank is returned in the spec; the caller compares it
// with c's.
func parseSpec(s string, ra, rb int) (einsumSpec, error) {
	s = strings.ReplaceAll(s, " ", "")
	lhs, rhs, explicit := strings.Cut(s, "->")
	ops := strings.Split(lhs, ",")
	if len(ops) != 2 {
		return einsumSpec{}, fmt.Errorf("%w: %q has %d operands, want 2", ErrSpec, s, len(ops))
	}
	if strings.Contains(rhs, "->") {
		return einsumSpec{}, fmt.Errorf("%w: %q has more than one \"->\"", ErrSpec, s)
	}
	if explicit && strings.Contains(rhs, ",") {
		return einsumSpec{}, fmt.Errorf("%w: %q has more than one output", ErrSpec, s)
	}
	var sp einsumSpec
	ell := 0 // axes the inputs' ellipses stand for, the most of the two
	for t, rank := range [2]int{ra, rb} {
		labels, e, err := parseTerm(ops[t], rank, s, fmt.Sprintf("operand %d", t))
		if err != nil {
			return einsumSpec{}, err
		}
		sp.in[t] = labels
		ell = max(ell, e)
	}
	if !explicit {
		// NumPy's implicit output: the broadcast axes, then every letter that
		// appears exactly once, in alphabetical order.
		count := map[int]int{}
		for _, labels := range sp.in {
			for _, l := range labels {
				count[l]++
			}
		}
		for k := ell - 1; k >= 0; k-- {
			sp.out = append(sp.out, ellipsisLabel+k)
		}
		var once []int
		for l, n := range count {
			if n == 1 && l < ellipsisLabel {
				once = append(once, l)
			}
		}
		slices.Sort(once)
		sp.out = append(sp.out, once...)
		return sp, nil
	}
	out, err := parseOutput(rhs, ell, s)
	if err != nil {
		return einsumSpec{}, err
	}
	if ell > 0 && !strings.Contains(rhs, "...") {
		return einsumSpec{}, fmt.Errorf("%w: %q: the inputs broadcast over %d axes (...) but the output has no \"...\"", ErrSpec, s, ell)
	}
	for _, l := range out {
		if l >= ellipsisLabel {
			continue
		}
		if !slices.Contains(sp.in[0], l) && !slices.Contains(sp.in[1], l) {
			return einsumSpec{}, fmt.Errorf("%w: %q: output label %q is in no input", ErrSpec, s, rune(l))
		}
	}
	sp.out = out
	return sp, nil
}

// parseTerm returns the labels of one input term for an operand of the
// given rank, and how many axes its ellipsis stands for (-1 without one).
func parseTerm(term string, rank int, spec, what string) (labels []int, ell int, err error) {
	ell = -1
	letters := 0
	before, after, has := strings.Cut(term, "...")
	if has && strings.Contains(after, "...") {
		return nil, 0, fmt.Errorf("%w: %q: %s has more than one \"...\"", ErrSpec, spec, what)
	}
	for _, part := range []string{before, after} {
		for _, r := range part {
			if !isLabel(r) {
				return nil, 0, fmt.Errorf("%w: %q: %s: %q is not a letter", ErrSpec, spec, what, r)
			}
			letters++
		}
	}
	if !has {
		if letters != rank {
			return nil, 0, fmt.Errorf("%w: %q: %s has %d labels for %d axes", ErrSpec, spec, what, letters, rank)
		}
		for _, r := range term {
			labels = append(labels, int(r))
		}
		return labels, ell, nil
	}
	ell = rank - letters
	if ell < 0 {
		return nil, 0, fmt.Errorf("%w: %q: %s has %d labels for %d axes", ErrSpec, spec, what, letters, rank)
	}
	for _, r := range before {
		labels = append(labels, int(r))
	}
	for k := ell - 1; k >= 0; k-- {
		labels = append(labels, ellipsisLabel+k)
	}
	for _, r := range after {
		labels = append(labels, int(r))
	}
	return labels, ell, nil
}

// parseOutput returns the output labels; its ellipsis stands for ell axes.
func parseOutput(term string, ell int, spec string) ([]int, error) {
	before, after, has := strings.Cut(term, "...")
	if has && strings.Contains(after, "...") {
		return nil, fmt.Errorf("%w: %q: the output has more than one \"...\"", ErrSpec, spec)
	}
	var out []int
	add := func(part string) error {
		for _, r := range part {
			if !isLabel(r) {
				return fmt.Errorf("%w: %q: output: %q is not a letter", ErrSpec, spec, r)
			}
			if slices.Contains(out, int(r)) {
				return fmt.Errorf("%w: %q: output label %q repeats", ErrSpec, spec, r)
			}
			out = append(out, int(r))
		}
		return nil
	}
	if err := add(before); err != nil {
		return nil, err
	}
	if has {
		for k := ell - 1; k >= 0; k-- {
			out = append(out, ellipsisLabel+k)
		}
	}
	if err := add(after); err != nil {
		return nil, err
	}
	return out, nil
}

func isLabel(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// labelString names labels for plans: letters as themselves, broadcast
// axes as digits counted from the right (0 is the last "..." axis).
func labelString(labels []int) string {
	var b strings.Builder
	for _, l := range labels {
		if l >= ellipsisLabel {
			fmt.Fprintf(&b, "%d", (l-ellipsisLabel)%10)
		} else {
			b.WriteRune(rune(l))
		}
	}
	return b.String()
}
