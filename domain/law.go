package domain

// Law names the texts that govern a dossier, by the date it was taken in. On 1 July 2025
// Nghị định 118/2025/NĐ-CP replaced Nghị định 61/2018/NĐ-CP (with 107/2021/NĐ-CP) on the
// one-stop mechanism, and Thông tư 03/2025/TT-VPCP replaced Thông tư 01/2018/TT-VPCP (the
// forms and the dossier code). The new texts keep the flow of the old ones; where the article
// of a rule in the new texts could not be confirmed from a published text, the rule cites the
// new text with the article of the old one beside it (Cite).
type Law struct {
	Decree   string // the decree on the one-stop mechanism
	Circular string // the circular with the forms and the dossier code
	Replaced string // the decree the new one replaced ("" for the old texts)
}

// newLawFrom is when Nghị định 118/2025/NĐ-CP and Thông tư 03/2025/TT-VPCP took effect.
var newLawFrom = Date{2025, 7, 1}

// LawAt returns the texts in force on day.
func LawAt(day Date) Law {
	if day.Before(newLawFrom) {
		return Law{Decree: "Nghị định 61/2018/NĐ-CP", Circular: "Thông tư 01/2018/TT-VPCP"}
	}
	return Law{Decree: "Nghị định 118/2025/NĐ-CP", Circular: "Thông tư 03/2025/TT-VPCP", Replaced: "Nghị định 61/2018/NĐ-CP"}
}

// Cite cites the rule that the old decree put in article (e.g. "19.9"): the old decree and its
// article, or the new decree with the old one's article beside it.
func (l Law) Cite(article string) string {
	if l.Replaced == "" {
		return l.Decree + ", điều " + article
	}
	return l.Decree + " (" + l.Replaced + ", điều " + article + ")"
}

// Form cites form number n ("01", "04") of the circular in force.
func (l Law) Form(n string) string { return "Mẫu số " + n + " – " + l.Circular }
