package store

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"gorm.io/gorm"

	"motcua/domain"
)

// Page asks for part of a list: at most Limit items (0: all of them, in one page) after the
// item that Cursor names ("": from the start). Cursor is the cursor a store list returned
// with the page before.
type Page struct {
	Limit  int
	Cursor string
}

// limited reads one row more than the page holds, so that cutPage can tell whether a next
// page exists.
func (pg Page) limited(q *gorm.DB) *gorm.DB {
	if pg.Limit > 0 {
		return q.Limit(pg.Limit + 1)
	}
	return q
}

// cutPage cuts rows, read with pg.limited, to the page; more reports a next page.
func cutPage[R any](rows []R, pg Page) (page []R, more bool) {
	if pg.Limit > 0 && len(rows) > pg.Limit {
		return rows[:pg.Limit], true
	}
	return rows, false
}

// Cursors are opaque to clients: base64 of a kind letter and the last item's key, an id
// ('d') or a text key ('k').
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("d" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 1 && b[0] == 'd' {
		if id, err := strconv.ParseInt(string(b[1:]), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, badCursor()
}

func encodeKeyCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("k" + key))
}

func decodeKeyCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 1 && b[0] == 'k' && utf8.Valid(b) && !bytes.ContainsRune(b, 0) {
		return string(b[1:]), nil
	}
	return "", badCursor()
}

func badCursor() error { return domain.Invalid("cursor", "is not a cursor from a previous page") }
