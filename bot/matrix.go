package bot

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"

	"atelier/consultation"
)

// glyphs is a 3×5 bitmap font for the matrix's labels: digits, and the
// letters of the axis names.
var glyphs = map[rune][5]string{
	'0': {"###", "#.#", "#.#", "#.#", "###"},
	'1': {".#.", "##.", ".#.", ".#.", "###"},
	'2': {"###", "..#", "###", "#..", "###"},
	'3': {"###", "..#", "###", "..#", "###"},
	'4': {"#.#", "#.#", "###", "..#", "..#"},
	'5': {"###", "#..", "###", "..#", "###"},
	'6': {"###", "#..", "###", "#.#", "###"},
	'7': {"###", "..#", "..#", "..#", "..#"},
	'8': {"###", "#.#", "###", "#.#", "###"},
	'9': {"###", "#.#", "###", "..#", "###"},
	'E': {"###", "#..", "##.", "#..", "###"},
	'I': {"###", ".#.", ".#.", ".#.", "###"},
	'F': {"###", "#..", "##.", "#..", "#.."},
	'M': {"#.#", "###", "###", "#.#", "#.#"},
	'P': {"##.", "#.#", "##.", "#..", "#.."},
	'A': {".#.", "#.#", "###", "#.#", "#.#"},
	'C': {"###", "#..", "#..", "#..", "###"},
	'T': {"###", ".#.", ".#.", ".#.", ".#."},
	'R': {"##.", "#.#", "##.", "#.#", "#.#"},
	'O': {"###", "#.#", "#.#", "#.#", "###"},
	'N': {"#.#", "###", "###", "###", "#.#"},
	'D': {"##.", "#.#", "#.#", "#.#", "##."},
	'U': {"#.#", "#.#", "#.#", "#.#", "###"},
	'L': {"#..", "#..", "#..", "#..", "###"},
	'W': {"#.#", "#.#", "###", "###", "#.#"},
	'K': {"#.#", "##.", "#..", "##.", "#.#"},
	'J': {"..#", "..#", "..#", "#.#", "###"},
	'G': {"###", "#..", "#.#", "#.#", "###"},
	'S': {"###", "#..", "###", "..#", "###"},
	'H': {"#.#", "#.#", "###", "#.#", "#.#"},
	'-': {"...", "...", "###", "...", "..."},
	' ': {"...", "...", "...", "...", "..."},
}

func drawText(img draw.Image, x, y, scale int, s string, c color.Color) {
	for _, r := range s {
		g, ok := glyphs[r]
		if !ok {
			g = glyphs[' ']
		}
		for row, line := range g {
			for col, px := range line {
				if px == '#' {
					draw.Draw(img, image.Rect(x+col*scale, y+row*scale, x+(col+1)*scale, y+(row+1)*scale), image.NewUniform(c), image.Point{}, draw.Src)
				}
			}
		}
		x += 4 * scale
	}
}

// Matrix draws the effort/impact matrix as a PNG: effort from 1 (left) to
// 5, impact from 1 (bottom) to 5, the four quadrants shaded, and each
// scored proposal placed at its medians with its number.
func Matrix(outcomes []*consultation.Outcome) ([]byte, error) {
	const size, margin = 640, 70
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	plot := size - 2*margin
	// Position of a score on an axis, in pixels from the plot's origin.
	at := func(v float64) int { return int((v - 1) / 4 * float64(plot)) }
	mid := at(3)
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		draw.Draw(img, image.Rect(margin+x0, margin+y0, margin+x1, margin+y1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	fill(0, 0, mid, mid, color.RGBA{0xd8, 0xf3, 0xdc, 0xff})       // quick wins: high impact, low effort
	fill(mid, 0, plot, mid, color.RGBA{0xdb, 0xe9, 0xf6, 0xff})    // major projects
	fill(0, mid, mid, plot, color.RGBA{0xfd, 0xf3, 0xd0, 0xff})    // fill-ins
	fill(mid, mid, plot, plot, color.RGBA{0xf8, 0xdc, 0xdc, 0xff}) // thankless
	grey := color.RGBA{0x88, 0x88, 0x88, 0xff}
	black := color.RGBA{0x22, 0x22, 0x22, 0xff}
	for v := 1; v <= 5; v++ {
		p := at(float64(v))
		fill(p, 0, p+1, plot+1, grey)
		fill(0, plot-p, plot+1, plot-p+1, grey)
		drawText(img, margin+p-3, size-margin+12, 3, strconv.Itoa(v), black)
		drawText(img, margin-30, margin+plot-p-7, 3, strconv.Itoa(v), black)
	}
	drawText(img, margin+plot/2-40, size-30, 4, "EFFORT", black)
	drawText(img, 12, margin-40, 4, "IMPACT", black)
	// Proposals sharing a spot are fanned out so every number stays legible.
	used := map[[2]int]int{}
	dot := color.RGBA{0x1f, 0x4e, 0x9c, 0xff}
	for _, o := range outcomes {
		if o.Quadrant == consultation.Unrated {
			continue
		}
		x, y := at(o.Effort.Median), plot-at(o.Impact.Median)
		k := used[[2]int{x, y}]
		used[[2]int{x, y}]++
		dx := (k % 3) * 44
		if x+dx+40 > plot+margin-20 {
			dx = -dx // fan out leftwards near the right edge
		}
		x += dx
		y += (k / 3) * 20
		fill(x-6, y-6, x+6, y+6, dot)
		drawText(img, margin+x+9, margin+y-7, 3, strconv.Itoa(o.Proposal.Number), black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
