package domain

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// ManualItem is an appendix item that is not derived from dossiers; an officer enters it
// for a period. TT places it in the appendix: the section and item number ("I.1", "VII.4";
// "III" for an unnumbered item directly under section III). Unit is as the appendix gives
// it; a coded unit ("Có = 1; Không = 0") lists the only values allowed.
type ManualItem struct {
	Key   string `json:"key"`
	TT    string `json:"tt"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
}

// Units of the appendix shared by several manual items.
const (
	muYesNo      = "Có = 1; Không = 0"
	muPercent    = "%"
	muPeople     = "Người"
	muAgencies   = "Cơ quan, đơn vị"
	muIssues     = "Vấn đề"
	muDocuments  = "Văn bản"
	muTasks      = "Nhiệm vụ"
	muProcedures = "Thủ tục"
	muUnits      = "Đơn vị"
)

// ManualItems lists the appendix items an officer enters, in the order of the appendix
// (Phụ lục of the administrative-reform report, sections I–VII; see the seed report).
var ManualItems = []ManualItem{
	// I. Công tác chỉ đạo điều hành CCHC
	{"plan_completion_rate", "I.1", "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)", muPercent},
	{"plan_tasks", "I.1", "Số nhiệm vụ đề ra trong kế hoạch", muTasks},
	{"plan_tasks_done", "I.1", "Số nhiệm vụ đã hoàn thành", muTasks},
	{"directive_documents", "I.1", "Số văn bản chỉ đạo CCHC đã ban hành", muDocuments},
	{"inspected_departments", "I.2", "Số phòng ban đã kiểm tra", muAgencies},
	{"inspected_units", "I.2", "Số đơn vị trực thuộc đã kiểm tra", muAgencies},
	{"inspected_communes", "I.2", "Số UBND cấp xã đã kiểm tra", muAgencies},
	{"inspection_issues_found", "I.2", "Số vấn đề phát hiện qua kiểm tra", muIssues},
	{"inspection_issues_resolved", "I.2", "Số vấn đề phát hiện đã xử lý xong", muIssues},
	{"communication_plan_rate", "I.3", "Tỷ lệ thực hiện nhiệm vụ tuyên truyền theo kế hoạch", muPercent},
	{"communication_provincial_articles", "I.3", "Số lượng tin, bài viết, phóng sự gửi và duyệt đăng tại Chuyên trang CCHC tỉnh", "Tin, bài"},
	{"communication_own_site_articles", "I.3", "Số lượng tin, bài viết, phóng sự đã đăng tại Chuyên mục CCHC trên Trang Thông tin điện tử của đơn vị", "Tin, bài"},
	{"communication_media", "I.3", "Có thực hiện tuyên truyền CCHC thường xuyên thông qua phương tiện truyền thông (báo, đài, website, zalo, ...)", muYesNo},
	{"communication_meetings", "I.3", "Có thực hiện tuyên truyền CCHC thường xuyên thông qua các cuộc họp, hội nghị, hội thi, hội diễn, ...", muYesNo},
	{"assigned_tasks", "I.4", "Tổng số nhiệm vụ được giao", muTasks},
	{"assigned_tasks_on_time", "I.4", "Số nhiệm vụ đã hoàn thành đúng hạn", muTasks},
	{"assigned_tasks_late", "I.4", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", muTasks},
	{"reform_initiatives", "I.5", "Có sáng kiến, giải pháp mới về CCHC", muYesNo},
	{"reform_awards", "I.6", "Thực hiện khen thưởng về kết quả CCHC", muYesNo},
	{"survey_method", "I.7", "Hình thức khảo sát", "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2"}, // the figures of I.7 are computed
	{"leader_dialogue", "I.8", "Tổ chức đối thoại của lãnh đạo với người dân, doanh nghiệp", muYesNo},
	{"discipline_compliance", "I.9", "Việc chấp hành Chỉ thị 10 của Chủ tịch UBND tỉnh và Chỉ thị 10, Chỉ thị 26 của Thủ tướng Chính phủ về kỷ luật, kỷ cương hành chính", "Tốt = 1; Có vi phạm = 0"},

	// II. Cải cách thể chế
	{"legal_docs_issued", "II.1", "Số VBQPPL đã ban hành", muDocuments},
	{"legal_docs_issued_on_schedule", "II.1", "Số VBQPPL được ban hành đúng tiến độ", muDocuments},
	{"legal_docs_issued_by_procedure", "II.1", "Số VBQPPL được ban hành đúng quy trình, thủ tục theo quy định", muDocuments},
	{"legal_docs_self_checked", "II.2", "Số VBQPPL tự kiểm tra theo thẩm quyền", muDocuments},
	{"legal_docs_self_check_unlawful", "II.2", "Số VBQPPL phát hiện trái pháp luật", muDocuments},
	{"legal_docs_self_check_handled", "II.2", "Số VBQPPL phát hiện trái pháp luật đã được xử lý", muDocuments},
	{"legal_docs_checked", "II.2", "Số VBQPPL kiểm tra theo thẩm quyền", muDocuments},
	{"legal_docs_check_unlawful", "II.2", "Số VBQPPL phát hiện trái pháp luật", muDocuments},
	{"legal_docs_check_handled", "II.2", "Số VBQPPL phát hiện trái pháp luật đã được xử lý", muDocuments},
	{"legal_docs_to_review", "II.3", "Số VBQPPL phải rà soát", muDocuments},
	{"legal_docs_reviewed", "II.3", "Số VBQPPL đã rà soát", muDocuments},
	{"legal_docs_recommended", "II.3", "Số VBQPPL đã kiến nghị xử lý sau kiểm tra, rà soát", muDocuments},
	{"legal_docs_recommended_handled", "II.3", "Số VBQPPL có kiến nghị xử lý đã được xử lý xong", muDocuments},
	{"legal_education", "II.3", "Thực hiện công tác phổ biến giáo dục pháp luật", muYesNo},
	{"legal_education_documents", "II.3", "Số lượng văn bản đã tuyên truyền", muDocuments},

	// III. Cải cách thủ tục hành chính (the other items of III are computed)
	{"procedure_control", "III", "Kiểm soát TTHC", muYesNo},
	{"procedures_reviewed", "III", "Số lượng TTHC thực hiện rà soát", "TTHC"},
	{"procedure_review_plan", "III.1", "Kế hoạch rà soát TTHC", muYesNo},
	{"procedure_simplification", "III.1", "Đơn giản hóa TTHC", muYesNo},
	{"procedures_shortened", "III.1", "Rút ngắn thời gian giải quyết so với quy định", muProcedures},
	{"procedures_fewer_documents", "III.1", "Giảm thành phần hồ sơ", muProcedures},
	{"procedures_simplified_other", "III.1", "Khác", muProcedures},
	{"feedback_address_posted", "III.4", "Có thực hiện niêm yết địa chỉ tiếp nhận phản ánh kiến nghị của cá nhân, tổ chức đối với TTHC thuộc thẩm quyền giải quyết", muYesNo},
	{"internal_process_digitised_rate", "III.5", "Tỷ lệ quy trình nội bộ giải quyết TTHC đã được điện tử hóa", muPercent},

	// IV. Cải cách tổ chức bộ máy hành chính nhà nước
	{"departments", "IV.1", "Số phòng ban chuyên môn thuộc UBND cấp huyện", muAgencies},
	{"public_service_units", "IV.1", "Số đơn vị SNCL thuộc UBND cấp huyện", muAgencies},
	{"public_service_unit_departments", "IV.1", "Số phòng ban trong đơn vị SNCL thuộc UBND cấp huyện", muAgencies},
	{"departments_cut", "IV.1", "Số lượng phòng ban chuyên môn thuộc UBND cấp huyện được cắt giảm trong năm", muAgencies},
	{"public_service_units_cut", "IV.1", "Số lượng đơn vị SNCL đã cắt giảm trong năm", muAgencies},
	{"public_service_unit_departments_cut", "IV.1", "Số lượng phòng ban trong đơn vị SNCL đã cắt giảm trong năm", muAgencies},
	{"civil_servant_quota", "IV.2", "Tổng số biên chế được giao trong năm", muPeople},
	{"civil_servants_present", "IV.2", "Tổng số biên chế có mặt tại thời điểm báo cáo", muPeople},
	{"labour_contracts", "IV.2", "Số hợp đồng lao động làm việc tại cơ quan hành chính nhà nước", muPeople},
	{"civil_servants_streamlined", "IV.2", "Số biên chế đã tinh giản trong kỳ báo cáo", muPeople},
	{"civil_servants_streamlined_rate", "IV.2", "Tỷ lệ phần trăm biên chế đã tinh giản trong năm so với kế hoạch", muPercent},
	{"public_employee_quota", "IV.3", "Tổng số người làm việc được giao", muPeople},
	{"public_employees_present", "IV.3", "Tổng số người làm việc có mặt", muPeople},
	{"public_employees_streamlined", "IV.3", "Số người đã tinh giản trong kỳ báo cáo", muPeople},
	{"public_employees_streamlined_rate", "IV.3", "Tỷ lệ % đã tinh giản so với kế hoạch năm", muPercent},
	{"autonomous_unit_staff_approved", "IV.4", "Tổng số người làm việc được phê duyệt", muPeople},
	{"autonomous_unit_staff_present", "IV.4", "Tổng số người làm việc có mặt", muPeople},
	{"leaders_district", "IV.5", "Số lượng lãnh đạo UBND cấp huyện", muPeople},
	{"leaders_department", "IV.5", "Số lượng lãnh đạo cấp phòng và tương đương", muPeople},
	{"leaders_units", "IV.5", "Số lượng lãnh đạo các đơn vị trực thuộc UBND cấp huyện", muPeople},
	{"leaders_commune", "IV.5", "Số lượng lãnh đạo UBND cấp xã", muPeople},
	{"decentralisation_inspected_communes", "IV.6", "Số UBND cấp xã đã kiểm tra", muAgencies},
	{"decentralisation_issues_found", "IV.6", "Số vấn đề phát hiện qua kiểm tra", muIssues},
	{"decentralisation_issues_resolved", "IV.6", "Số vấn đề phát hiện đã xử lý xong", muIssues},
	{"inspectorate_units", "IV.7", "Số đơn vị thuộc và trực thuộc UBND cấp huyện đã thanh tra", muAgencies},
	{"inspectorate_communes", "IV.7", "Số UBND cấp xã đã thanh tra", muAgencies},
	{"inspectorate_issues_found", "IV.7", "Số vấn đề phát hiện qua thanh tra", muIssues},
	{"inspectorate_issues_resolved", "IV.7", "Số vấn đề phát hiện đã xử lý xong", muIssues},

	// V. Cải cách chế độ công vụ
	{"job_positions_approved", "V.1", "Cơ quan, đơn vị đã được phê duyệt vị trí việc làm theo quy định", muYesNo},
	{"job_descriptions_reviewed", "V.1", "Cơ quan, đơn vị đã thực hiện rà soát, hoàn chỉnh bản mô tả vị trí việc làm, khung năng lực công chức, viên chức theo chức năng, nhiệm vụ hiện hành và gửi về Sở Nội vụ", muYesNo},
	{"civil_servants_recruited", "V.2", "Số công chức được tuyển dụng (thi tuyển, xét tuyển)", muPeople},
	{"civil_servants_recruited_special", "V.2", "Số công chức được tuyển dụng theo trường hợp đặc biệt", muPeople},
	{"commune_staff_promoted", "V.2", "Số cán bộ, công chức cấp xã được xét chuyển thành công chức cấp huyện trở lên", muPeople},
	{"public_employees_recruited", "V.2", "Số viên chức được tuyển dụng (thi tuyển, xét tuyển)", muPeople},
	{"public_employees_recruited_special", "V.2", "Số viên chức được tuyển dụng theo trường hợp đặc biệt", muPeople},
	{"leaders_by_competition", "V.3", "Thực hiện tuyển chọn, bổ nhiệm lãnh đạo qua thi tuyển", "Đã thực hiện = 1; Chưa thực hiện = 0"},
	{"leaders_district_appointed", "V.3", "Số lãnh đạo UBND cấp huyện được bổ nhiệm mới", muPeople},
	{"leaders_department_appointed", "V.3", "Số lãnh đạo cấp phòng chuyên môn thuộc UBND cấp huyện được bổ nhiệm mới", muPeople},
	{"leaders_commune_appointed", "V.3", "Số lãnh đạo UBND cấp xã được bổ nhiệm mới", muPeople},
	{"training_planned", "V.4", "Số người được đào tạo, bồi dưỡng theo Kế hoạch", muPeople},
	{"training_done", "V.4", "Số người đã được đào tạo, bồi dưỡng thực tế", muPeople},
	{"rotation_target", "V.5", "Chỉ tiêu chuyển đổi theo quy định", muPeople},
	{"rotation_done", "V.5", "Kết quả thực hiện thực tế", muPeople},
	{"disciplined_district_leaders", "V.6", "Số lãnh đạo UBND cấp huyện bị kỷ luật", muPeople},
	{"disciplined_department_leaders", "V.6", "Số lãnh đạo cấp phòng và tương đương thuộc UBND cấp huyện bị kỷ luật", muPeople},
	{"disciplined_civil_servants", "V.6", "Số công chức chuyên môn, không giữ chức vụ lãnh đạo, quản lý thuộc UBND cấp huyện bị kỷ luật", muPeople},
	{"disciplined_public_employees", "V.6", "Số người làm việc tại các đơn vị SNCL bị kỷ luật", muPeople},
	{"disciplined_public_employees_autonomous", "V.6", "Trong đơn vị SNCL tự chủ hoàn toàn", muPeople},
	{"disciplined_public_employees_partly_autonomous", "V.6", "Trong đơn vị SNCL tự chủ một phần", muPeople},
	{"disciplined_public_employees_state_funded", "V.6", "Trong đơn vị SNCL do ngân sách nhà nước đảm bảo", muPeople},
	{"disciplined_commune_officials", "V.6", "Số cán bộ cấp xã bị kỷ luật", muPeople},
	{"disciplined_commune_civil_servants", "V.6", "Số công chức cấp xã bị kỷ luật", muPeople},

	// VI. Cải cách tài chính công
	{"financial_autonomy", "VI.1", "UBND cấp huyện thực hiện cơ chế tự chủ theo quy định", muYesNo},
	{"autonomous_administrative_bodies", "VI.2", "Số tổ chức hành chính trực thuộc thực hiện cơ chế tự chủ, tự chịu trách nhiệm về quản lý kinh phí hành chính", muAgencies},
	{"autonomous_public_service_units", "VI.3", "Số lượng đơn vị sự nghiệp công lập (SNCL) thực hiện cơ chế tự chủ", muAgencies},
	{"units_autonomous_recurrent_and_investment", "VI.3", "Số đơn vị SNCL đã thực hiện tự chủ 100% chi thường xuyên và chi đầu tư (lũy kế đến thời điểm báo cáo)", muAgencies},
	{"units_autonomous_recurrent", "VI.3", "Số đơn vị SNCL đã thực hiện tự chủ 100% chi thường xuyên (lũy kế đến thời điểm báo cáo)", muAgencies},
	{"units_partly_autonomous", "VI.3", "Số đơn vị SNCL đã thực hiện tự chủ một phần chi thường xuyên (lũy kế đến thời điểm báo cáo)", muAgencies},
	{"units_state_funded", "VI.3", "Số đơn vị SNCL do nhà nước đảm bảo 100% chi thường xuyên (lũy kế đến thời điểm báo cáo)", muAgencies},

	// VII. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số (items 6, 7 are mostly computed)
	{"digital_plan", "VII.1", "Ban hành kế hoạch phát triển chính quyền số, ứng dụng CNTT", muYesNo},
	{"it_staff", "VII.2", "Bố trí công chức, viên chức chuyên trách CNTT", muPeople},
	{"video_conference_district", "VII.3", "Liên thông từ UBND tỉnh đến UBND cấp huyện", muYesNo},
	{"video_conference_commune", "VII.3", "Liên thông từ UBND tỉnh đến UBND cấp xã", muYesNo},
	{"document_system_district_connected", "VII.4", "UBND cấp huyện đã kết nối, liên thông với UBND tỉnh", muYesNo},
	{"document_system_communes_connected", "VII.4", "Số lượng UBND cấp xã đã kết nối, liên thông với UBND huyện", muUnits},
	{"outgoing_documents_district", "VII.4", "Tổng số văn bản đi tại UBND cấp huyện", muDocuments},
	{"outgoing_documents_district_electronic", "VII.4", "Số lượng văn bản được gửi hoàn toàn dưới dạng điện tử (Sử dụng chữ ký số, chứng thư số và gửi trên môi trường điện tử)", muDocuments},
	{"outgoing_documents_district_parallel", "VII.4", "Số lượng văn bản được gửi hoàn toàn dưới dạng điện tử và song song với văn bản giấy", muDocuments},
	{"outgoing_documents_commune", "VII.4", "Tổng số văn bản đi tại UBND cấp xã", muDocuments},
	{"outgoing_documents_commune_electronic", "VII.4", "Số lượng văn bản được gửi hoàn toàn dưới dạng điện tử (Sử dụng chữ ký số, chứng thư số và gửi trên môi trường điện tử)", muDocuments},
	{"outgoing_documents_commune_parallel", "VII.4", "Số lượng văn bản được gửi hoàn toàn dưới dạng điện tử và song song với văn bản giấy", muDocuments},
	{"one_stop_system_district_connected", "VII.5", "UBND cấp huyện đã kết nối liên thông với Hệ thống", muYesNo},
	{"one_stop_system_communes_connected", "VII.5", "Số lượng đơn vị cấp xã đã kết nối liên thông với Hệ thống", muUnits},
	{"task_tracking_software", "VII.6", "Sử dụng phần mềm theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ của UBND tỉnh giao", muYesNo},
	{"official_email_accounts", "VII.6", "Số lượng công chức, viên chức có tài khoản thư điện tử chính thức", muPeople},
	{"leaders_with_digital_certificates", "VII.6", "Tổng số lượng lãnh đạo được cấp chứng thư số", muPeople},
	{"leaders_with_digital_certificates_district", "VII.6", "Số lượng lãnh đạo UBND cấp huyện được cấp chứng thư số", muPeople},
	{"leaders_with_digital_certificates_commune", "VII.6", "Số lượng lãnh đạo UBND cấp xã được cấp chứng thư số", muPeople},
	{"leaders_with_digital_certificates_department", "VII.6", "Số lượng lãnh đạo phòng chuyên môn thuộc UBND cấp huyện được cấp chứng thư số", muPeople},
	{"other_digital_applications", "VII.6", "Triển khai các ứng dụng số khác như: Quản lý nhân sự, Quản lý tài chính – Kế toán, Quản lý Thi đua – Khen thưởng, Quản lý tài sản", "Số lượng phần mềm"},
	{"iso_units_announced", "VII.8", "Số lượng đơn vị thuộc, trực thuộc thực hiện công bố, công bố lại ISO", muYesNo},
	{"iso_units_internal_audit", "VII.8", "Số lượng đơn vị thuộc, trực thuộc thực hiện đánh giá nội bộ", muYesNo},
	{"iso_units_management_review", "VII.8", "Số lượng đơn vị thuộc, trực thuộc thực hiện xem xét của lãnh đạo đối với hệ thống quản lý chất lượng", muYesNo},
	{"iso_communes_announced", "VII.8", "Số UBND cấp xã thực hiện công bố, công bố lại ISO", muAgencies},
	{"iso_communes_internal_audit", "VII.8", "Số UBND cấp xã thực hiện đánh giá nội bộ", muAgencies},
	{"iso_communes_management_review", "VII.8", "Số UBND cấp xã xem xét của lãnh đạo đối với hệ thống QLCL", muAgencies},
}

var manualItemIndex = func() map[string]int {
	m := make(map[string]int, len(ManualItems))
	for i, it := range ManualItems {
		m[it.Key] = i
	}
	return m
}()

// FindManualItem returns the manual item with key.
func FindManualItem(key string) (ManualItem, bool) {
	i, ok := manualItemIndex[key]
	if !ok {
		return ManualItem{}, false
	}
	return ManualItems[i], true
}

// codes returns the values a coded unit allows ("Có = 1; Không = 0" allows 0 and 1), or nil.
func (it ManualItem) codes() []float64 {
	parts := strings.Split(it.Unit, "=")
	var out []float64
	for _, part := range parts[1:] {
		part = strings.TrimSpace(part)
		end := strings.IndexFunc(part, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(part)
		}
		if v, err := strconv.Atoi(part[:end]); err == nil {
			out = append(out, float64(v))
		}
	}
	return out
}

// ManualFigures are the manual items' values for one agency and period, by ManualItem key.
// An item left out has no value (it is shown blank, not as 0).
type ManualFigures map[string]float64

// Validate checks every value: the key must be a ManualItem's; the value must be finite
// and not negative, a whole number except for percentages, and one of the codes for a coded
// unit. It returns EINVALID naming each bad key.
func (m ManualFigures) Validate() error {
	var p Problems
	for _, key := range reportKeys(m) {
		v := m[key]
		it, ok := FindManualItem(key)
		switch {
		case !ok:
			p.Add(key, "is not a manual item of the appendix")
		case math.IsNaN(v) || math.IsInf(v, 0):
			p.Add(key, "is not a number")
		case v < 0:
			p.Add(key, "must not be negative")
		case it.Unit != muPercent && v != math.Trunc(v):
			p.Add(key, "must be a whole number (%s)", it.Unit)
		case it.codes() != nil && !manualCodeAllowed(it.codes(), v):
			p.Add(key, "must be one of: %s", it.Unit)
		}
	}
	return p.Err()
}

func manualCodeAllowed(s []float64, v float64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// MarshalJSON writes a nil ManualFigures as {} rather than null.
func (m ManualFigures) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string]float64(m))
}
