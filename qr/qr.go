// Package qr draws the QR codes printed on receipts and signs the unguessable
// tokens that the lookup URLs in those codes carry.
package qr

import (
	"fmt"

	"github.com/skip2/go-qrcode"

	"motcua/domain"
)

// MaxContent is the largest content, in bytes, that PNG encodes.
const MaxContent = 512

// moduleSize is the width in pixels of one QR module in PNG images.
const moduleSize = 8

// PNG returns a PNG image of a QR code holding content, with medium error
// recovery, moduleSize pixels per module and the standard quiet zone.
// It returns EINVALID when content is empty or longer than MaxContent bytes.
func PNG(content string) ([]byte, error) {
	if content == "" {
		return nil, domain.Invalid("content", "must not be empty")
	}
	if len(content) > MaxContent {
		return nil, domain.Invalidf("content", "must be at most %d bytes", MaxContent)
	}
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: encode: %w", err)
	}
	b, err := code.PNG(-moduleSize)
	if err != nil {
		return nil, fmt.Errorf("qr: png: %w", err)
	}
	return b, nil
}
