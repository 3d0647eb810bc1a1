package cron

import "math/bits"

// nextBit returns the lowest set bit of mask whose index is at least from.
func nextBit(mask uint64, from int) (int, bool) {
	if from >= 64 {
		return 0, false
	}
	if from > 0 {
		mask &^= 1<<uint(from) - 1
	}
	if mask == 0 {
		return 0, false
	}
	return bits.TrailingZeros64(mask), true
}

// bitset is a 256-bit set used while parsing fields and for the years
// (bit i stands for year 1970+i).
type bitset [4]uint64

func (b *bitset) set(i int) { b[i>>6] |= 1 << uint(i&63) }

func (b *bitset) has(i int) bool {
	return i >= 0 && i < 256 && b[i>>6]&(1<<uint(i&63)) != 0
}

// next returns the lowest set index that is at least from.
func (b *bitset) next(from int) (int, bool) {
	from = max(from, 0)
	for w := from >> 6; w < len(b); w++ {
		if i, ok := nextBit(b[w], from-w*64); ok {
			return w*64 + i, true
		}
	}
	return 0, false
}
