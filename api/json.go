package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 1 << 20

// body returns the request body, at most limit bytes; a longer one is EINVALID naming "body".
func body(c *fiber.Ctx, limit int64) ([]byte, error) {
	var r io.Reader
	if stream := c.Context().RequestBodyStream(); stream != nil {
		r = stream
	} else {
		r = bytes.NewReader(c.Body())
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, domain.Invalid("body", "could not be read")
	}
	if int64(len(b)) > limit {
		// The rest of the body is still on the connection; drainBody deals with it.
		return nil, domain.Invalidf("body", "is larger than %d bytes", limit)
	}
	return b, nil
}

// decode reads a JSON body into v strictly: unknown fields, wrong types, trailing data and
// invalid UTF-8 are EINVALID naming the field. An empty body is allowed when optional.
func decode(c *fiber.Ctx, v any, optional bool) error {
	b, err := body(c, maxJSONBody)
	if err != nil {
		return err
	}
	return decodeBytes(c, b, v, optional)
}

// decodeBytes is decode for a body already read.
func decodeBytes(c *fiber.Ctx, b []byte, v any, optional bool) error {
	if len(bytes.TrimSpace(b)) == 0 {
		if optional {
			return nil
		}
		return domain.Invalid("body", "a JSON object is required")
	}
	if !utf8.Valid(b) {
		return domain.Invalid("body", "is not valid UTF-8")
	}
	if ct := string(c.Request().Header.ContentType()); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return domain.Invalid("body", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, b, v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return domain.Invalid("body", "holds data after the JSON value")
	}
	return nil
}

// jsonError names the field of an error decoding b into v.
func jsonError(err error, b []byte, v any) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return jsonTypeError(field, typeErr.Type.Kind().String())
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return domain.Invalid("body", "is not well-formed JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json names an unknown field without the object it is in: find its path.
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		var doc any
		if json.Unmarshal(b, &doc) == nil {
			if path := unknownField(doc, reflect.TypeOf(v), ""); path != "" {
				field = path
			}
		}
		return domain.Invalid(field, "is not a known field")
	}
	// Errors from UnmarshalText/UnmarshalJSON of a field (dates, times) carry no field name.
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return domain.Invalidf("body", "%s", msg)
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// unknownField returns the path of a field of doc (a decoded JSON value meant for a t) that
// t does not have, as "applicant.colour" or "holidays[2].x"; "" when there is none. Names
// match as encoding/json matches them: by the json tag or the field's name, in any case. A
// type that decodes itself (json.Unmarshaler) has no unknown fields here.
func unknownField(doc any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return ""
	}
	switch v := doc.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var ft reflect.Type
			switch t.Kind() {
			case reflect.Map:
				ft = t.Elem()
			case reflect.Struct:
				if f, ok := jsonField(t, k); ok {
					ft = f.Type
				}
			default:
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if ft == nil {
				return p
			}
			if found := unknownField(v[k], ft, p); found != "" {
				return found
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, e := range v {
				if found := unknownField(e, t.Elem(), indexed(path, i)); found != "" {
					return found
				}
			}
		}
	}
	return ""
}

// jsonField finds the field of struct type t that JSON name decodes into.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if sf, ok := jsonField(ft, name); ok {
					return sf, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonTypeError is the problem of a field whose value is not of kind.
func jsonTypeError(field, kind string) error {
	switch kind {
	case "string":
		return domain.Invalid(field, "must be a string")
	case "bool":
		return domain.Invalid(field, "must be true or false")
	case "slice", "array":
		return domain.Invalid(field, "must be an array")
	case "map", "struct", "ptr":
		return domain.Invalid(field, "must be an object")
	}
	return domain.Invalid(field, "must be a number")
}

// indexed names an element of a list field, e.g. holidays[2].
func indexed(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// parseTime parses an RFC 3339 time given in field; EINVALID naming it otherwise.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "must be an RFC 3339 time, e.g. 2024-12-12T10:05:00+07:00")
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, domain.Invalid(field, "is out of range")
	}
	return t, nil
}
