package export

import (
	"encoding/csv"
	"io"
	"strconv"

	"motcua/domain"
)

// bom is the UTF-8 byte order mark that makes spreadsheet programs read the file as UTF-8.
const bom = "\ufeff"

// AppendixCSV writes the rows of the appendix sheet (see AppendixXLSX) as CSV, UTF-8 with
// a BOM: the header TT, TÊN CHỈ TIÊU, ĐƠN VỊ TÍNH, Số lượng/tỷ lệ, Ghi chú, then one
// record per row; numbers without thousands separators, percentages with up to two decimals.
// The title block of the sheet is left out. Errors come from writing to w.
func AppendixCSV(w io.Writer, a *domain.Appendix) error {
	if a == nil {
		return domain.Errorf(domain.EINTERNAL, "export: no appendix")
	}
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	write(cw, appendixHeader)
	for _, r := range appendixRows(a) {
		write(cw, r.cells())
	}
	cw.Flush()
	return cw.Error()
}

// FieldsCSV writes the Biểu 06 table as CSV, UTF-8 with a BOM: Lĩnh vực, Cấp and the
// figures (received, resolved, pending, withdrawn), one record per field and level, without
// the total rows of the sheet. Errors come from writing to w.
func FieldsCSV(w io.Writer, fields []domain.FieldRow) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	write(cw, append([]string{"Lĩnh vực", "Cấp"}, fieldColumns...))
	for _, r := range fields {
		rec := []string{r.Field, capitalize(levelName(r.Level))}
		for _, v := range fieldValues(r.DossierFigures) {
			rec = append(rec, strconv.FormatInt(v, 10))
		}
		write(cw, rec)
	}
	cw.Flush()
	return cw.Error()
}

func newCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, bom); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw, nil
}

// write writes one record with every cell neutralised; the csv.Writer keeps the first error.
func write(cw *csv.Writer, rec []string) {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = safeText(s)
	}
	_ = cw.Write(out) // reported by cw.Error after Flush
}
