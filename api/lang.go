package api

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"motcua/domain"
)

// requestLang is the language a person reads the answer to c in: English when the
// request's Accept-Language prefers it to Vietnamese, Vietnamese otherwise.
func requestLang(c *fiber.Ctx) domain.Lang {
	return preferredLang(c.Get(fiber.HeaderAcceptLanguage))
}

// preferredLang reads an Accept-Language header (RFC 9110 §12.5.4): the supported language
// with the highest weight, the earlier one on a tie; "*" stands for Vietnamese, and so does a
// header that names neither.
func preferredLang(header string) domain.Lang {
	best, bestQ := domain.LangVI, -1.0
	for i, part := range strings.Split(header, ",") {
		if i >= 32 {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		var lang domain.Lang
		switch primary {
		case "vi", "*":
			lang = domain.LangVI
		case "en":
			lang = domain.LangEN
		default:
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				} else {
					q = 0
				}
			}
		}
		if q > 0 && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}
