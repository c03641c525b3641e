// Package export writes reports as files: the appendix of the administrative-reform report
// (sections I–VII, laid out as the seed report's Phụ lục) and the Biểu 06 table, as XLSX
// and CSV. Every text cell is neutralised against formula injection.
package export

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"motcua/domain"
)

// Column headers of the appendix, as in the seed report.
var appendixHeader = []string{"TT", "TÊN CHỈ TIÊU", "ĐƠN VỊ TÍNH", "Số lượng/tỷ lệ", "Ghi chú"}

type rowKind int

const (
	rowSection rowKind = iota // I, II, …: bold, no value
	rowHeading                // a group title inside a section: no value
	rowItem                   // a figure
)

// row is one line of the appendix.
type row struct {
	kind  rowKind
	tt    string
	label string
	unit  string
	value float64
	has   bool // value is set; an unset value is a blank cell, not 0
	pct   bool // value is a percentage (two decimals), not a count
	note  string
	key   string // the manual item shown, if any
	place string // where the layout puts it ("I.1"), to check against ManualItem.TT
}

// cells returns the row's five text cells, as the CSV writes them.
func (r row) cells() []string {
	return []string{r.tt, r.label, r.unit, r.valueText(), r.note}
}

func (r row) valueText() string {
	if !r.has {
		return ""
	}
	if r.pct {
		return strconv.FormatFloat(round2(r.value), 'f', -1, 64)
	}
	return strconv.FormatFloat(r.value, 'f', -1, 64)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// builder lays the appendix out row by row, tracking the section and item number.
type builder struct {
	a       *domain.Appendix
	rows    []row
	section string
	number  string
}

func (b *builder) add(r row) { b.rows = append(b.rows, r) }

func (b *builder) sectionRow(tt, label string) {
	b.section, b.number = tt, ""
	b.add(row{kind: rowSection, tt: tt, label: label})
}

// heading adds a group title; a non-empty tt starts item tt of the section.
func (b *builder) heading(tt, label string) {
	if tt != "" {
		b.number = tt
	}
	b.add(row{kind: rowHeading, tt: tt, label: label})
}

// numbered adds the manual item that is itself item tt of the section.
func (b *builder) numbered(tt, key string) {
	b.number = tt
	b.manualRow(tt, key, false)
}

// manual adds manual items under the current item.
func (b *builder) manual(keys ...string) {
	for _, k := range keys {
		b.manualRow("", k, false)
	}
}

// subManual adds manual items that detail the row above them.
func (b *builder) subManual(keys ...string) {
	for _, k := range keys {
		b.manualRow("", k, true)
	}
}

func (b *builder) manualRow(tt, key string, sub bool) {
	it, _ := domain.FindManualItem(key)
	place := b.section
	if b.number != "" {
		place += "." + b.number
	}
	r := row{kind: rowItem, tt: tt, label: subLabel(it.Label, sub), unit: it.Unit, key: key, place: place}
	if v, ok := b.a.Manual[key]; ok {
		r.value, r.has = v, true
	}
	b.add(r)
}

// count adds a computed count.
func (b *builder) count(label, unit string, v int64, note string) {
	b.add(row{kind: rowItem, label: label, unit: unit, value: float64(v), has: true, note: note})
}

// online adds the figures of item VII.6 for the levels shown (level "") or for one level.
func (b *builder) online(o domain.OnlineFigures, level string) {
	of := ""
	if level != "" {
		of = " " + level
	}
	for _, lv := range []struct {
		name string
		f    domain.OnlineLevelFigures
	}{{"một phần (mức độ 3)", o.Partial}, {"toàn trình (mức độ 4)", o.Full}} {
		b.heading("", "Dịch vụ công trực tuyến "+lv.name+of)
		b.count(subLabel("Tổng số TTHC"+of+" đủ điều kiện cung cấp trực tuyến "+lv.name, true), "TTHC", lv.f.Eligible, "")
		b.count(subLabel("Số TTHC"+of+" đang cung cấp trực tuyến "+lv.name, true), "TTHC", lv.f.Provided, "")
		b.count(subLabel("Số TTHC"+of+" đang cung cấp trực tuyến "+lv.name+" có phát sinh hồ sơ nộp trực tuyến", true), "TTHC",
			lv.f.WithOnlineDossiers, "")
	}
	b.count("Số TTHC"+of+" cung cấp trực tuyến một phần và toàn trình đã tích hợp, công khai trên Cổng Dịch vụ công Quốc gia",
		"TTHC", o.OnNationalPortal, "")
	b.count("Tổng số hồ sơ TTHC"+of+" đã tiếp nhận (cả trực tiếp và trực tuyến đối với các TTHC đã cung cấp trực tuyến một phần và toàn trình có phát sinh hồ sơ)",
		"Hồ sơ", o.DossiersTotal, "")
	b.count("Số lượng hồ sơ TTHC"+of+" được tiếp nhận trực tuyến (Chỉ thống kê đối với các TTHC trực tuyến một phần và toàn trình có phát sinh hồ sơ)",
		"Hồ sơ", o.DossiersOnline, "")
	b.rate("Tỷ lệ hồ sơ TTHC"+of+" được tiếp nhận trực tuyến", o.DossiersOnline, o.DossiersTotal)
	b.count("Tổng số TTHC"+of+" có yêu cầu nghĩa vụ tài chính (tất cả các TTHC có phát sinh phí, lệ phí,...)", "TTHC",
		o.ProceduresWithFee, "")
	b.count("Số TTHC"+of+" đã được tích hợp, triển khai thanh toán trực tuyến trên Cổng DVC Quốc gia hoặc trên Cổng DVC của tỉnh",
		"TTHC", o.ProceduresOnlinePayment, "")
}

// rate adds a computed percentage part/whole; blank when whole is 0.
func (b *builder) rate(label string, part, whole int64) {
	r := row{kind: rowItem, label: label, unit: "%", pct: true}
	if whole > 0 {
		r.value, r.has = float64(part)*100/float64(whole), true
	}
	b.add(r)
}

// subLabel marks a detail row with an en dash: a leading "-" would read as a formula.
func subLabel(label string, sub bool) string {
	if sub {
		return "– " + label
	}
	return label
}

// levelName is a level's Vietnamese name ("cấp huyện"); unknown levels are shown as they are.
func levelName(level string) string {
	switch level {
	case "province":
		return "cấp tỉnh"
	case "district":
		return "cấp huyện"
	case "commune":
		return "cấp xã"
	}
	return level
}

// levelAgencies names the agencies of a level as the appendix does ("UBND cấp huyện").
func levelAgencies(level string) string {
	switch level {
	case "province":
		return "cơ quan cấp tỉnh"
	case "district", "commune":
		return "UBND " + levelName(level)
	}
	return level
}

func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// number formats n the Vietnamese way, with dots between thousands (16.865).
func number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// appendixRows lays out the whole appendix: the sections of the seed report, the computed
// figures of sections III and VII for each level in a.Levels, and the manual items.
func appendixRows(a *domain.Appendix) []row {
	b := &builder{a: a}
	s3, s7 := a.SectionIII, a.SectionVII

	b.sectionRow("I", "Công tác chỉ đạo điều hành CCHC")
	b.numbered("1", "plan_completion_rate")
	b.manual("plan_tasks", "plan_tasks_done", "directive_documents")
	b.heading("2", "Kiểm tra CCHC")
	b.manual("inspected_departments", "inspected_units", "inspected_communes", "inspection_issues_found", "inspection_issues_resolved")
	b.heading("3", "Tuyên truyền CCHC")
	b.manual("communication_plan_rate", "communication_provincial_articles", "communication_own_site_articles",
		"communication_media", "communication_meetings")
	b.heading("4", "Thực hiện nhiệm vụ UBND tỉnh giao")
	b.manual("assigned_tasks", "assigned_tasks_on_time", "assigned_tasks_late")
	b.numbered("5", "reform_initiatives")
	b.numbered("6", "reform_awards")
	b.heading("7", "Khảo sát sự hài lòng của người dân, tổ chức")
	sv := a.SectionI.Surveys
	b.count("Số lượng phiếu khảo sát", "Số lượng", sv.Surveyed, fmt.Sprintf("Hài lòng %s phiếu", number(sv.Satisfied)))
	b.manual("survey_method")
	b.rate("Tỷ lệ hài lòng trong kỳ báo cáo", sv.Satisfied, sv.Surveyed)
	b.numbered("8", "leader_dialogue")
	b.numbered("9", "discipline_compliance")
	b.heading("10", "Kết quả thực hiện nhiệm vụ khác (nếu có)")

	b.sectionRow("II", "Cải cách thể chế")
	b.numbered("1", "legal_docs_issued")
	b.manual("legal_docs_issued_on_schedule", "legal_docs_issued_by_procedure")
	b.heading("2", "Kiểm tra và tự kiểm tra, xử lý VBQPPL")
	b.manual("legal_docs_self_checked", "legal_docs_self_check_unlawful", "legal_docs_self_check_handled",
		"legal_docs_checked", "legal_docs_check_unlawful", "legal_docs_check_handled")
	b.heading("3", "Rà soát VBQPPL")
	b.manual("legal_docs_to_review", "legal_docs_reviewed", "legal_docs_recommended", "legal_docs_recommended_handled",
		"legal_education", "legal_education_documents")

	b.sectionRow("III", "Cải cách thủ tục hành chính")
	b.manual("procedure_control", "procedures_reviewed")
	b.numbered("1", "procedure_review_plan")
	b.manual("procedure_simplification", "procedures_shortened", "procedures_fewer_documents", "procedures_simplified_other")
	b.heading("2", "Thống kê TTHC")
	b.count("Số TTHC được công bố mới", "Thủ tục", s3.ProceduresPublished, "")
	b.count("Số TTHC đã được bãi bỏ, thay thế", "Thủ tục", s3.ProceduresRepealed, "")
	var inForce int64
	for _, l := range a.Levels {
		inForce += s3.ProceduresInForce[l]
	}
	b.count("Tổng số TTHC đang có hiệu lực", "Thủ tục", inForce, "")
	for _, l := range a.Levels {
		b.count(subLabel("Số TTHC áp dụng tại "+levelAgencies(l), true), "Thủ tục", s3.ProceduresInForce[l], "")
	}
	b.numbered("4", "feedback_address_posted")
	b.count("Số lượng ý kiến đã tiếp nhận", "Ý kiến", s3.FeedbackReceived, "")
	b.count("Số lượng ý kiến đã giải quyết", "Ý kiến", s3.FeedbackResolved, "")
	b.heading("5", "Thực hiện cơ chế một cửa, một cửa liên thông")
	b.count("Số TTHC liên thông cùng cấp", "Thủ tục", s3.InterlinkedSameLevel, "")
	b.count("Số TTHC liên thông giữa các cấp chính quyền", "Thủ tục", s3.InterlinkedCrossLevel, "")
	b.manual("internal_process_digitised_rate")
	b.heading("6", "Kết quả giải quyết TTHC")
	for _, l := range a.Levels {
		f, who := s3.Dossiers[l], levelAgencies(l)
		b.count("Số hồ sơ TTHC do "+who+" tiếp nhận", "Hồ sơ", f.Received,
			fmt.Sprintf("Kỳ trước chuyển sang %s; tiếp nhận mới %s (trực tuyến %s; trực tiếp %s; qua BCCI %s)",
				number(f.CarriedOver), number(f.New), number(f.NewOnline), number(f.NewDirect), number(f.NewPostal)))
		note := fmt.Sprintf("Còn %s hồ sơ đang giải quyết (trong hạn %s; quá hạn %s)",
			number(f.Pending), number(f.PendingWithin), number(f.PendingOverdue))
		if f.Withdrawn > 0 {
			note += fmt.Sprintf("; %s hồ sơ rút, dừng giải quyết", number(f.Withdrawn))
		}
		// The seed words this row "giải quyết và trả kết quả" and counts under it every dossier
		// no longer in process (16,637 of 16,865, "còn 228 hồ sơ đang giải quyết"): resolved.
		b.count("Số hồ sơ TTHC do "+who+" giải quyết và trả kết quả", "Hồ sơ", f.Resolved, note)
		b.count("Số hồ sơ TTHC do "+who+" tiếp nhận được giải quyết đúng hạn", "Hồ sơ", f.ResolvedOnTime(),
			fmt.Sprintf("Trước hạn %s; đúng hạn %s; quá hạn %s (có phiếu xin lỗi đúng hạn %s; xin lỗi muộn %s)",
				number(f.Early), number(f.OnTime), number(f.Late), number(f.LateWithApology), number(f.LateWithLateApology)))
		b.rate("Tỷ lệ hồ sơ TTHC do "+who+" giải quyết đúng hạn", f.ResolvedOnTime(), f.Resolved)
	}

	b.sectionRow("IV", "Cải cách tổ chức bộ máy hành chính nhà nước")
	b.heading("1", "Cơ cấu tổ chức bộ máy")
	b.manual("departments", "public_service_units", "public_service_unit_departments", "departments_cut",
		"public_service_units_cut", "public_service_unit_departments_cut")
	b.heading("2", "Số liệu về biên chế công chức")
	b.manual("civil_servant_quota", "civil_servants_present", "labour_contracts", "civil_servants_streamlined",
		"civil_servants_streamlined_rate")
	b.heading("3", "Số người làm việc hưởng lương từ NSNN tại các đơn vị sự nghiệp công lập")
	b.manual("public_employee_quota", "public_employees_present", "public_employees_streamlined", "public_employees_streamlined_rate")
	b.heading("4", "Số người làm việc tại các đơn vị sự nghiệp công lập tự chủ hoàn toàn")
	b.manual("autonomous_unit_staff_approved", "autonomous_unit_staff_present")
	b.heading("5", "Số liệu về lãnh đạo")
	b.manual("leaders_district", "leaders_department", "leaders_units", "leaders_commune")
	b.heading("6", "Kiểm tra việc thực hiện nhiệm vụ phân cấp quản lý nhà nước")
	b.manual("decentralisation_inspected_communes", "decentralisation_issues_found", "decentralisation_issues_resolved")
	b.heading("7", "Hoạt động thanh tra cấp huyện")
	b.manual("inspectorate_units", "inspectorate_communes", "inspectorate_issues_found", "inspectorate_issues_resolved")

	b.sectionRow("V", "Cải cách chế độ công vụ")
	b.heading("1", "Vị trí việc làm của công chức, viên chức")
	b.manual("job_positions_approved", "job_descriptions_reviewed")
	b.heading("2", "Tuyển dụng công chức, viên chức")
	b.manual("civil_servants_recruited", "civil_servants_recruited_special", "commune_staff_promoted",
		"public_employees_recruited", "public_employees_recruited_special")
	b.heading("3", "Số liệu về bổ nhiệm công chức lãnh đạo")
	b.manual("leaders_by_competition", "leaders_district_appointed", "leaders_department_appointed", "leaders_commune_appointed")
	b.heading("4", "Công tác đào tạo, bồi dưỡng")
	b.manual("training_planned", "training_done")
	b.heading("5", "Định kỳ chuyển đổi vị trí công tác")
	b.manual("rotation_target", "rotation_done")
	b.heading("6", "Số liệu về xử lý kỷ luật cán bộ, công chức, viên chức (cả về Đảng và chính quyền)")
	b.manual("disciplined_district_leaders", "disciplined_department_leaders", "disciplined_civil_servants",
		"disciplined_public_employees")
	b.subManual("disciplined_public_employees_autonomous", "disciplined_public_employees_partly_autonomous",
		"disciplined_public_employees_state_funded")
	b.manual("disciplined_commune_officials", "disciplined_commune_civil_servants")

	b.sectionRow("VI", "Cải cách tài chính công")
	b.numbered("1", "financial_autonomy")
	b.numbered("2", "autonomous_administrative_bodies")
	b.numbered("3", "autonomous_public_service_units")
	b.manual("units_autonomous_recurrent_and_investment", "units_autonomous_recurrent", "units_partly_autonomous",
		"units_state_funded")

	b.sectionRow("VII", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số")
	b.numbered("1", "digital_plan")
	b.numbered("2", "it_staff")
	b.heading("3", "Tham gia Hệ thống họp trực tuyến của tỉnh")
	b.manual("video_conference_district", "video_conference_commune")
	b.heading("4", "Số liệu về trao đổi văn bản điện tử")
	b.heading("", "Thực hiện kết nối, liên thông các Hệ thống quản lý văn bản điều hành:")
	b.subManual("document_system_district_connected", "document_system_communes_connected")
	b.manual("outgoing_documents_district")
	b.subManual("outgoing_documents_district_electronic", "outgoing_documents_district_parallel")
	b.manual("outgoing_documents_commune")
	b.subManual("outgoing_documents_commune_electronic", "outgoing_documents_commune_parallel")
	b.heading("5", "Vận hành Hệ thống thông tin một cửa điện tử tập trung của tỉnh")
	b.manual("one_stop_system_district_connected", "one_stop_system_communes_connected")
	b.heading("6", "Dịch vụ công trực tuyến một phần, toàn trình (mức độ 3, 4)")
	b.online(s7.Online, "")
	if len(a.Levels) > 1 {
		for _, l := range a.Levels {
			b.heading("", "Trong đó, TTHC "+levelName(l))
			b.online(s7.OnlineByLevel[l], levelName(l))
		}
	}
	b.manual("task_tracking_software", "official_email_accounts", "leaders_with_digital_certificates")
	b.subManual("leaders_with_digital_certificates_district", "leaders_with_digital_certificates_commune",
		"leaders_with_digital_certificates_department")
	b.manual("other_digital_applications")
	b.heading("7", "Dịch vụ bưu chính công ích (BCCI)")
	for _, l := range a.Levels {
		p := s7.Postal[l]
		b.heading("", capitalize(levelAgencies(l)))
		b.count(subLabel("Số lượng TTHC đã công bố triển khai dịch vụ (BCCI)", true), "TTHC", p.ProceduresOffered, "")
		b.count(subLabel("Tổng số TTHC thực tế được tiếp nhận qua dịch vụ BCCI", true), "TTHC", p.ProceduresReceived, "")
		b.count(subLabel("Tổng số TTHC thực tế được trả kết quả qua dịch vụ BCCI", true), "TTHC", p.ProceduresReturned, "")
		b.count(subLabel("Tổng số hồ sơ thực tế được tiếp nhận qua dịch vụ BCCI", true), "Hồ sơ", p.DossiersReceived, "")
		b.count(subLabel("Tổng số hồ sơ thực tế được trả kết quả qua dịch vụ BCCI", true), "Hồ sơ", p.DossiersReturned, "")
	}
	b.heading("8", "Áp dụng ISO trong hoạt động")
	b.manual("iso_units_announced", "iso_units_internal_audit", "iso_units_management_review",
		"iso_communes_announced", "iso_communes_internal_audit", "iso_communes_management_review")
	return b.rows
}

// periodTitle names the period as report titles do: "NĂM 2024", "QUÝ IV NĂM 2024".
func periodTitle(p domain.Period) string {
	switch p.Kind {
	case domain.PeriodMonth:
		return fmt.Sprintf("THÁNG %d NĂM %d", p.Number, p.Year)
	case domain.PeriodQuarter:
		roman := []string{"", "I", "II", "III", "IV"}
		if p.Number >= 1 && p.Number <= 4 {
			return fmt.Sprintf("QUÝ %s NĂM %d", roman[p.Number], p.Year)
		}
	case domain.PeriodHalf:
		if p.Number == 2 {
			return fmt.Sprintf("6 THÁNG CUỐI NĂM %d", p.Year)
		}
		return fmt.Sprintf("6 THÁNG ĐẦU NĂM %d", p.Year)
	case domain.PeriodNineMonths:
		return fmt.Sprintf("9 THÁNG NĂM %d", p.Year)
	}
	return fmt.Sprintf("NĂM %d", p.Year)
}

// agencyTitle names the agency reported on: "Cơ quan: UBND thành phố (mã 000.00.24.H50)".
func agencyTitle(code, name string) string {
	if name == "" {
		return "Cơ quan: mã " + code
	}
	return "Cơ quan: " + name + " (mã " + code + ")"
}

// cutoffTitle says which rule fixed the period's first and last days.
func cutoffTitle(c domain.Cutoff) string {
	if c == domain.CutoffDecree09 {
		return "chốt số liệu theo Nghị định 09/2019/NĐ-CP: từ ngày 15 tháng trước đến ngày 14 tháng cuối kỳ"
	}
	return "chốt số liệu theo tháng dương lịch"
}

// appendixSubtitle says which days the figures cover, under which cut-off rule, when they
// were made and where they come from.
func appendixSubtitle(a *domain.Appendix) string {
	const day = "02/01/2006"
	s := fmt.Sprintf("(Số liệu từ ngày %s đến ngày %s, %s", a.Period.From.Start().Format(day),
		a.Period.To.Start().Format(day), cutoffTitle(a.Period.Cutoff))
	if !a.GeneratedAt.IsZero() {
		s += "; lập lúc " + a.GeneratedAt.In(domain.Location).Format("15:04 02/01/2006")
	}
	switch a.Source {
	case domain.SourceSnapshot:
		s += "; số liệu chốt kỳ"
	case domain.SourceLive:
		s += "; số liệu tính tại thời điểm xuất"
	}
	return s + ")"
}

// safeText neutralises a cell that a spreadsheet would read as a formula or control
// sequence (=, +, -, @, tab, CR) by prefixing an apostrophe.
func safeText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// The columns of Biểu 06: flat names for the CSV, grouped for the sheet's two header rows.
var (
	fieldColumns = []string{
		"Tiếp nhận: tổng số", "Tiếp nhận: mới, trực tuyến", "Tiếp nhận: mới, trực tiếp và qua BCCI", "Tiếp nhận: kỳ trước chuyển qua",
		"Đã giải quyết: tổng số", "Đã giải quyết: trước hạn", "Đã giải quyết: đúng hạn", "Đã giải quyết: quá hạn",
		"Đang giải quyết: tổng số", "Đang giải quyết: trong hạn", "Đang giải quyết: quá hạn",
		"Rút hồ sơ, dừng giải quyết",
	}
	fieldGroups = []struct {
		title string
		cols  []string
	}{
		{"Số hồ sơ nhận giải quyết", []string{"Tổng số", "Mới tiếp nhận trực tuyến", "Mới tiếp nhận trực tiếp và qua dịch vụ BCCI", "Kỳ trước chuyển qua"}},
		{"Số hồ sơ đã giải quyết", []string{"Tổng số", "Trả trước hạn", "Trả đúng thời hạn", "Trả quá hạn"}},
		{"Số hồ sơ đang giải quyết", []string{"Tổng số", "Trong hạn", "Quá hạn"}},
		{"Rút hồ sơ, dừng giải quyết", []string{""}},
	}
)

// fieldValues returns a Biểu 06 row's figures in column order.
func fieldValues(f domain.DossierFigures) []int64 {
	return []int64{
		f.Received, f.NewOnline, f.NewDirect + f.NewPostal, f.CarriedOver,
		f.Resolved, f.Early, f.OnTime, f.Late,
		f.Pending, f.PendingWithin, f.PendingOverdue,
		f.Withdrawn,
	}
}
