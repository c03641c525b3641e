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

// pageOrder is the order a list of rows R is paged in, and how a cursor names a row in it.
type pageOrder[R any] struct {
	orderBy string                    // the ORDER BY
	after   string                    // the condition for the rows after the cursor's
	decode  func(string) (any, error) // the cursor's key; EINVALID naming "cursor"
	cursor  func(*R) string           // the cursor naming a row
}

// newestFirst pages by id, descending.
func newestFirst[R any](id func(*R) int64) pageOrder[R] {
	return pageOrder[R]{orderBy: "id DESC", after: "id < ?",
		decode: func(c string) (any, error) { return decodeCursor(c) },
		cursor: func(r *R) string { return encodeCursor(id(r)) }}
}

// byKey pages by a unique text column, ascending.
func byKey[R any](column string, key func(*R) string) pageOrder[R] {
	return pageOrder[R]{orderBy: column, after: column + " > ?",
		decode: func(c string) (any, error) { return decodeKeyCursor(c) },
		cursor: func(r *R) string { return encodeKeyCursor(key(r)) }}
}

// findPage reads the page pg of q's rows in order o, and the cursor of the next page ("" at
// the end); EINVALID naming "cursor" for a bad cursor. It reads one row more than the page
// holds, to tell whether a next page exists.
func findPage[R any](q *gorm.DB, pg Page, o pageOrder[R]) ([]R, string, error) {
	if pg.Cursor != "" {
		after, err := o.decode(pg.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(o.after, after)
	}
	q = q.Order(o.orderBy)
	if pg.Limit > 0 {
		q = q.Limit(pg.Limit + 1)
	}
	var rows []R
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", translate(err)
	}
	if pg.Limit > 0 && len(rows) > pg.Limit {
		rows = rows[:pg.Limit]
		return rows, o.cursor(&rows[len(rows)-1]), nil
	}
	return rows, "", nil
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
