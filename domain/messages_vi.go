package domain

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Lang is a language a person reads the service's messages in.
type Lang string

// The languages of messages: Vietnamese, the default, and English.
const (
	LangVI Lang = "vi"
	LangEN Lang = "en"
)

// titles are the problem titles of each error code, in English (the HTTP status text) and in
// Vietnamese.
var titles = map[string][2]string{
	EINVALID:          {"Bad Request", "Yêu cầu không hợp lệ"},
	EUNAUTHORIZED:     {"Unauthorized", "Chưa đăng nhập"},
	EFORBIDDEN:        {"Forbidden", "Không có quyền"},
	ENOTFOUND:         {"Not Found", "Không tìm thấy"},
	ECONFLICT:         {"Conflict", "Xung đột dữ liệu"},
	ETRANSITION:       {"Conflict", "Thao tác không hợp lệ ở trạng thái hiện tại"},
	EPRECONDITION:     {"Precondition Failed", "Dữ liệu đã thay đổi"},
	EUNPROCESSABLE:    {"Unprocessable Entity", "Không thể xử lý yêu cầu"},
	ERATELIMITED:      {"Too Many Requests", "Quá nhiều yêu cầu"},
	EINTERNAL:         {"Internal Server Error", "Lỗi hệ thống"},
	EUNAVAILABLE:      {"Service Unavailable", "Dịch vụ tạm thời không sẵn sàng"},
	EMETHODNOTALLOWED: {"Method Not Allowed", "Phương thức không được hỗ trợ"},
}

// Codes returns every error code a problem can carry.
func Codes() []string {
	out := make([]string, 0, len(titles))
	for c := range titles {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Title is the short title of a problem with code, in lang; "" for an unknown code.
func Title(code string, lang Lang) string {
	t, ok := titles[code]
	if !ok {
		return ""
	}
	if lang == LangEN {
		return t[0]
	}
	return t[1]
}

// Messages returns every English message format the catalogue translates, sorted.
func Messages() []string {
	out := make([]string, 0, len(catalogue))
	for en := range catalogue {
		out = append(out, en)
	}
	sort.Strings(out)
	return out
}

// Translate renders a message given by its English format and arguments in lang. In
// Vietnamese, dates read dd/mm/yyyy, times hh:mm dd/mm/yyyy in Vietnam, and statuses and
// actions by their Vietnamese names; a format the catalogue lacks is rendered in English.
func Translate(lang Lang, format string, args ...any) string {
	return translate(lang, format, args)
}

func translate(lang Lang, format string, args []any) string {
	if lang == LangEN {
		return sprintf(format, args...)
	}
	vi, ok := catalogue[format]
	if !ok {
		return sprintf(format, args...)
	}
	local := make([]any, len(args))
	for i, a := range args {
		local[i] = localArg(lang, a)
	}
	return sprintf(vi, local...)
}

// localArg is a message argument as a Vietnamese reader expects it.
func localArg(lang Lang, a any) any {
	if lang == LangEN {
		return a
	}
	switch v := a.(type) {
	case Date:
		return fmt.Sprintf("%02d/%02d/%04d", v.Day, int(v.Month), v.Year)
	case time.Time:
		return v.In(Location).Format("15:04 02/01/2006")
	case Status:
		return v.Label()
	case Action:
		return actionNameVI(v)
	case Level:
		return v.Label()
	}
	return a
}

// actionNameVI names an action in Vietnamese, as a message speaks of it.
func actionNameVI(a Action) string {
	switch a {
	case ActionIntake:
		return "tiếp nhận"
	case ActionStart:
		return "bắt đầu giải quyết"
	case ActionRequestSupplement:
		return "yêu cầu bổ sung"
	case ActionSupplement:
		return "nhận hồ sơ bổ sung"
	case ActionPause:
		return "tạm dừng"
	case ActionResume:
		return "tiếp tục giải quyết"
	case ActionResolve:
		return "giải quyết xong"
	case ActionReturn:
		return "trả kết quả"
	case ActionApologize:
		return "xin lỗi và hẹn lại"
	case ActionWithdraw:
		return "rút hồ sơ"
	case ActionRecompute:
		return "tính lại hạn"
	}
	return string(a)
}

// Localize returns err as a problem in lang: its code, its message and each field's message
// translated. err itself is not changed. An error without a code is EINTERNAL with a message
// that says nothing of it; nil is nil.
func Localize(err error, lang Lang) *Error {
	var e *Error
	if err == nil {
		return nil
	} else if !errors.As(err, &e) {
		return &Error{Code: EINTERNAL, Message: Translate(lang, msgInternal)}
	}
	out := &Error{Code: e.Code, Message: e.text(lang)}
	if e.Fields != nil {
		out.Fields = make([]FieldError, len(e.Fields))
		for i, f := range e.Fields {
			f.Message = f.text(lang)
			out.Fields[i] = f
		}
	}
	return out
}

// FieldMessages returns the message of each field err names, in lang (several messages of one
// field joined by "; "), as a form shows them beside its fields; nil when err names none.
func FieldMessages(err error, lang Lang) map[string]string {
	e := Localize(err, lang)
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		if prev, ok := out[f.Field]; ok {
			out[f.Field] = prev + "; " + f.Message
		} else {
			out[f.Field] = f.Message
		}
	}
	return out
}

// msgInternal is the message of an error whose text must not reach a client.
const msgInternal = "Internal error."

func (e *Error) text(lang Lang) string {
	if e.format == "" {
		return translate(lang, e.Message, nil)
	}
	return translate(lang, e.format, e.args)
}

func (f FieldError) text(lang Lang) string {
	if f.format == "" {
		return translate(lang, f.Message, nil)
	}
	return translate(lang, f.format, f.args)
}

// extraMessages are messages that reach a client without passing through a constructor the
// catalogue test finds.
var extraMessages = []string{msgInternal, "invalid input"}

// catalogue maps each English message format to its Vietnamese. Arguments keep their order
// unless the Vietnamese names them (%[2]s).
var catalogue = map[string]string{
	"invalid input": "Dữ liệu không hợp lệ.",
	msgInternal:     "Lỗi hệ thống.",

	// Problems and titles of the HTTP layer
	"No such resource.":                                                          "Không có tài nguyên này.",
	"Method not allowed on this resource.":                                       "Tài nguyên này không nhận phương thức này.",
	"The request body is too large.":                                             "Nội dung yêu cầu quá lớn.",
	"too large":                                                                  "quá lớn",
	"Too many requests; slow down.":                                              "Quá nhiều yêu cầu; vui lòng chậm lại.",
	"Too many requests; wait a minute.":                                          "Quá nhiều yêu cầu; vui lòng chờ một phút.",
	"The request is malformed.":                                                  "Yêu cầu không đúng định dạng.",
	"The database is unavailable; try again shortly.":                            "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút.",
	"This Idempotency-Key was used with another request.":                        "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
	"A request with this Idempotency-Key is still being processed.":              "Một yêu cầu có Idempotency-Key này đang được xử lý.",
	"must be 1 to 200 visible ASCII characters":                                  "phải gồm 1 đến 200 ký tự ASCII hiển thị được",
	"Too many lookups of this dossier code; try again later or use the QR code.": "Tra cứu mã hồ sơ này quá nhiều lần; vui lòng thử lại sau hoặc dùng mã QR.",

	// Login and roles
	"A bearer token is required.":          "Cần đăng nhập (thiếu mã truy cập Bearer).",
	"The token is invalid or has expired.": "Mã truy cập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
	"Your role does not allow this.":       "Vai trò của bạn không được phép thực hiện thao tác này.",
	"Your role does not allow %s.":         "Vai trò của bạn không được phép «%s».",
	"Only an administrator of the whole deployment (with no agency) may change the calendar or the catalogue.": "Chỉ quản trị viên toàn hệ thống (không thuộc cơ quan nào) mới được sửa lịch làm việc hoặc danh mục thủ tục.",
	"Only a global admin may act outside an agency.":                                                           "Chỉ quản trị viên toàn hệ thống mới được thao tác không gắn với một cơ quan.",
	"Only a global admin may add a top-level agency.":                                                          "Chỉ quản trị viên toàn hệ thống mới được thêm cơ quan cấp cao nhất.",
	"Only an admin may record a past time.":                                                                    "Chỉ quản trị viên mới được ghi một thời điểm trong quá khứ.",
	"Only an admin may record a past intake time.":                                                             "Chỉ quản trị viên mới được ghi thời điểm tiếp nhận trong quá khứ.",
	"Only an admin may record a past time for an action.":                                                      "Chỉ quản trị viên mới được ghi thời điểm trong quá khứ cho một thao tác.",
	"Too many login attempts; wait a minute.":                                                                  "Đăng nhập quá nhiều lần; vui lòng chờ một phút.",
	"Too many failed logins; the account is locked for a while.":                                               "Đăng nhập sai quá nhiều lần; tài khoản bị khóa tạm thời.",
	"Wrong username or password.":                                                                              "Sai tên đăng nhập hoặc mật khẩu.",
	"Agency %s is outside your scope.":                                                                         "Cơ quan %s nằm ngoài phạm vi của bạn.",
	"is outside your scope":                                                                                    "nằm ngoài phạm vi của bạn",
	"must be 3 to 64 of a-z, 0-9, '.', '_' or '-'":                                                             "phải gồm 3 đến 64 ký tự a-z, 0-9, '.', '_' hoặc '-'",
	"must be 10 to 72 bytes long":                                                                              "phải dài từ 10 đến 72 byte",
	"at least one role is required":                                                                            "cần ít nhất một vai trò",
	"unknown role %q (admin, reception, specialist, reporter)":                                                 "không có vai trò %q (admin, reception, specialist, reporter)",
	"is required for users who are not admin":                                                                  "là bắt buộc với người dùng không phải quản trị viên",
	"user %s exists already":                                                                                   "người dùng %s đã có",

	// Agencies and procedures
	"There is no agency %s.":   "Không có cơ quan mã %s.",
	"no such agency":           "không có cơ quan này",
	"agency %s not found":      "Không tìm thấy cơ quan %s.",
	"agency %s exists already": "Cơ quan %s đã có.",
	"is not an agency code":    "không phải mã cơ quan",
	"must be digits and capital letters separated by dots, e.g. 000.00.00.H30":          "phải gồm chữ số và chữ in hoa, phân cách bằng dấu chấm, ví dụ 000.00.00.H30",
	"must be digits and capital letters separated by dots, e.g. 1.011442.000.00.00.H38": "phải gồm chữ số và chữ in hoa, phân cách bằng dấu chấm, ví dụ 1.011442.000.00.00.H38",
	"must be province, district or commune":                                             "phải là province (tỉnh), district (huyện) hoặc commune (xã)",
	"There is no procedure %s in the catalogue.":                                        "Không có thủ tục mã %s trong danh mục.",
	"no such procedure":                                       "không có thủ tục này trong danh mục",
	"The procedure %s is not in force on %s.":                 "Thủ tục %s không có hiệu lực vào ngày %s.",
	"not in force on %s":                                      "không có hiệu lực vào ngày %s",
	"procedure %s not found":                                  "Không tìm thấy thủ tục %s.",
	"procedure %s exists already; PUT a new version":          "Thủ tục %s đã có; hãy ghi phiên bản mới bằng PUT.",
	"procedure %s has a version effective on %s already":      "Thủ tục %s đã có phiên bản hiệu lực từ ngày %s.",
	"The procedure does not offer the public postal service.": "Thủ tục này không cung cấp dịch vụ bưu chính công ích.",
	"postal is not offered for this procedure":                "thủ tục này không nhận/trả qua bưu chính",
	"differs from the code in the URL":                        "khác với mã trong địa chỉ URL",
	"is required: the date the new version applies from":      "là bắt buộc: ngày phiên bản mới bắt đầu áp dụng",
	"time_limit_days or time_limit_hours is required":         "cần time_limit_days hoặc time_limit_hours",
	"give time_limit_days or time_limit_hours, not both":      "chỉ ghi time_limit_days hoặc time_limit_hours, không ghi cả hai",
	"give the limit in days or in hours, not both":            "chỉ ghi thời hạn theo ngày hoặc theo giờ, không ghi cả hai",
	"must be 0 to 365":                                        "phải từ 0 đến 365",
	"must be 0 to 2000":                                       "phải từ 0 đến 2000",
	"must be between 0 and %d":                                "phải từ 0 đến %d",
	"must be none, partial or full":                           "phải là none (không), partial (một phần) hoặc full (toàn trình)",
	"needs fee":                                               "chỉ áp dụng khi thủ tục có phí, lệ phí (fee)",
	"must be after published_on":                              "phải sau ngày công bố (published_on)",

	// Calendar
	"must be announced or custom":                  "phải là announced (lịch đã công bố) hoặc custom (lịch tự đặt)",
	"must be a year":                               "phải là một năm",
	"must be between %d and %d":                    "phải từ %d đến %d",
	"%s is not in %d":                              "ngày %s không thuộc năm %d",
	"%s is listed twice (also holidays[%d])":       "ngày %s bị ghi hai lần (cả ở holidays[%d])",
	"%s is listed twice (also extra_workdays[%d])": "ngày %s bị ghi hai lần (cả ở extra_workdays[%d])",
	"%s is also a holiday (holidays[%d])":          "ngày %s cũng là ngày nghỉ (holidays[%d])",
	"%s is a %s, not a Saturday or Sunday":         "ngày %s là %s, không phải thứ Bảy hay Chủ nhật",
	"is longer than 500 bytes":                     "dài quá 500 byte",

	// Dossiers and their actions
	"dossier not found":                                    "Không tìm thấy hồ sơ.",
	"dossier %s exists already":                            "Hồ sơ %s đã có.",
	"dossier %s changed meanwhile":                         "Hồ sơ %s vừa bị thay đổi.",
	"the dossier changed meanwhile; try again":             "Hồ sơ vừa bị thay đổi; vui lòng thử lại.",
	"The dossier has changed (version %d).":                "Hồ sơ đã bị thay đổi (phiên bản %d).",
	"No such action.":                                      "Không có thao tác này.",
	"action %s is not allowed on a dossier that is %s":     "Không thể thực hiện «%s» với hồ sơ đang ở trạng thái «%s».",
	"the appointment may be moved only once (%s)":          "Chỉ được hẹn lại ngày trả kết quả một lần (%s).",
	"must be after the current due time and after now":     "phải sau hạn giải quyết hiện tại và sau thời điểm hiện tại",
	"is given only when requesting a supplement":           "chỉ ghi khi yêu cầu bổ sung hồ sơ",
	"must be after the request":                            "phải sau thời điểm yêu cầu",
	"is before the dossier's last event":                   "trước sự kiện gần nhất của hồ sơ",
	"must be approved or refused":                          "phải là approved (chấp thuận) hoặc refused (từ chối)",
	"must be direct, online or postal":                     "phải là direct (trực tiếp), online (trực tuyến) hoặc postal (bưu chính)",
	"is given only for a postal intake":                    "chỉ ghi khi tiếp nhận qua bưu chính",
	"is after the intake is recorded":                      "sau thời điểm ghi nhận tiếp nhận",
	"is before the start of the previous working day (%s)": "trước đầu ngày làm việc liền trước (%s)",
	"is in the future":                                     "là thời điểm trong tương lai",
	"must be 8 to 15 digits (spaces, dots and dashes allowed), optionally starting with +": "phải gồm 8 đến 15 chữ số (được có dấu cách, dấu chấm, dấu gạch), có thể bắt đầu bằng +",
	"must be 9 to 20 letters or digits":                                                    "phải gồm 9 đến 20 chữ cái hoặc chữ số",
	"is required":                                                                          "là bắt buộc",
	"is longer than %d bytes":                                                              "dài quá %d byte",
	"is not valid UTF-8":                                                                   "không phải văn bản UTF-8 hợp lệ",
	"contains control characters":                                                          "chứa ký tự điều khiển",
	"is not a dossier code (agency-YYMMDD-NNNN)":                                           "không phải mã hồ sơ (mãcơquan-YYMMDD-NNNN)",
	"holds an impossible date":                                                             "chứa một ngày không có thật",
	"sequence starts at 0001":                                                              "số thứ tự bắt đầu từ 0001",
	"is not a status":                                                                      "không phải trạng thái hồ sơ",
	"is longer than 200 bytes":                                                             "dài quá 200 byte",
	"must be 1 to 500":                                                                     "phải từ 1 đến 500",
	"is not a cursor from a previous page":                                                 "không phải con trỏ (cursor) của một trang trước",
	"is required: a scanned lookup URL or a dossier code":                                  "là bắt buộc: địa chỉ tra cứu quét được hoặc mã hồ sơ",
	"is longer than 1024 bytes":                                                            "dài quá 1024 byte",
	"is neither a lookup URL nor a dossier code":                                           "không phải địa chỉ tra cứu cũng không phải mã hồ sơ",
	"The dossier has no apology letter.":                                                   "Hồ sơ không có văn bản xin lỗi.",
	"The dossier's history does not record why it is late; the letter cannot be printed.": "Lịch sử hồ sơ không ghi lý do trễ hạn; không thể in văn bản xin lỗi.",
	"is required to print the QR code":       "là bắt buộc để in mã QR",
	"is not a PNG image that a PDF can hold": "không phải ảnh PNG mà tệp PDF chứa được",
	"must not be empty":                      "không được để trống",
	"must be at most %d bytes":               "dài tối đa %d byte",
	"must be 32 lower-case hex digits":       "phải gồm 32 chữ số thập lục phân viết thường",

	// The citizen's side
	"is required (true or false)":                                    "là bắt buộc (true hoặc false)",
	"is longer than 1000 bytes":                                      "dài quá 1000 byte",
	"must be the last 4 digits of the phone number given at intake":  "phải là 4 chữ số cuối của số điện thoại đã khai khi nộp hồ sơ",
	"A dossier can be rated only once its result has been returned.": "Chỉ đánh giá được hồ sơ sau khi đã trả kết quả.",
	"a dossier can be rated only once its result has been returned":  "Chỉ đánh giá được hồ sơ sau khi đã trả kết quả.",
	"the dossier has been rated already":                             "Hồ sơ này đã được đánh giá.",
	"no survey for this dossier":                                     "Hồ sơ này chưa có đánh giá.",

	// Feedback
	"feedback not found":                  "Không tìm thấy phản ánh, kiến nghị.",
	"the feedback was answered already":   "Phản ánh, kiến nghị này đã được trả lời.",
	"is before the feedback was received": "trước thời điểm nhận phản ánh, kiến nghị",
	"must be true or false":               "phải là true hoặc false",

	// Request bodies and parameters
	"a JSON object is required":             "cần một đối tượng JSON",
	"Content-Type must be application/json": "Content-Type phải là application/json",
	"Content-Type must be text/csv":         "Content-Type phải là text/csv",
	"holds data after the JSON value":       "có dữ liệu thừa sau giá trị JSON",
	"is not well-formed JSON":               "không phải JSON đúng cú pháp",
	"is not a known field":                  "không phải trường được hỗ trợ",
	"must be a string":                      "phải là chuỗi ký tự",
	"must be a number":                      "phải là số",
	"must be an array":                      "phải là mảng",
	"must be an object":                     "phải là đối tượng",
	"%s":                                    "không đọc được giá trị: %s",
	"could not be read":                     "không đọc được",
	"is larger than %d bytes":               "lớn hơn %d byte",
	"must be an RFC 3339 time, e.g. 2024-12-12T10:05:00+07:00": "phải là thời điểm theo RFC 3339, ví dụ 2024-12-12T10:05:00+07:00",
	"is out of range":               "nằm ngoài khoảng cho phép",
	"is not a date (YYYY-MM-DD)":    "không phải ngày (YYYY-MM-DD)",
	"%q is not a date (YYYY-MM-DD)": "%q không phải ngày (YYYY-MM-DD)",
	"must be %s":                    "phải là %s",
	"is not a well-formed form":     "không phải biểu mẫu đúng định dạng",
	"holds a value that cannot be stored (e.g. a NUL character)": "chứa giá trị không lưu được (ví dụ ký tự NUL)",
	"it exists already": "Đã có rồi.",
	"not found":         "Không tìm thấy.",

	// Imports
	"is larger than %d bytes; import a larger file with `motcua import dossiers`": "lớn hơn %d byte; hãy nhập tệp lớn hơn bằng lệnh `motcua import dossiers`",
	"the CSV is empty; a header row is required":                                  "tệp CSV trống; cần có dòng tiêu đề",
	"is not CSV: %s":                               "không phải tệp CSV: %s",
	"is not well-formed CSV: %s":                   "không đúng cú pháp CSV: %s",
	"the CSV has no rows":                          "tệp CSV không có dòng dữ liệu nào",
	"Some rows are invalid; nothing was imported.": "Có dòng không hợp lệ; chưa nhập dòng nào.",
	"Some rows clash with dossiers already stored; nothing was imported.": "Có dòng trùng với hồ sơ đã lưu mà nội dung khác; chưa nhập dòng nào.",
	"A dossier code appears twice.":                                       "Một mã hồ sơ xuất hiện hai lần.",
	"appears twice in this batch of rows":                                 "xuất hiện hai lần trong lô dòng này",
	"exists with other content":                                           "đã có với nội dung khác",
	"The header row must name the columns: %s":                            "Dòng tiêu đề phải có các cột: %s",
	"unknown column %q":                                                   "không có cột %q",
	"column %q twice":                                                     "cột %q xuất hiện hai lần",
	"missing column %q":                                                   "thiếu cột %q",
	"has %d columns, want %d":                                             "có %d cột, cần %d cột",
	"repeats line %d":                                                     "trùng với dòng %d",
	"cannot be imported":                                                  "không nhập được",
	"does not start with agency_code":                                     "không bắt đầu bằng mã cơ quan (agency_code)",
	"is before received_at":                                               "trước thời điểm tiếp nhận (received_at)",
	"must be approved or refused when resolved_at is given":               "phải là approved hoặc refused khi có resolved_at",
	"needs resolved_at":                                                   "cần có resolved_at",
	"needs resolved_at on or before it":                                   "cần có resolved_at không muộn hơn",
	"a withdrawn dossier cannot also be resolved":                         "hồ sơ đã rút không thể đồng thời đã giải quyết",
	"apologized_at and new_appointment_at go together":                    "apologized_at và new_appointment_at phải đi cùng nhau",
	"is after the dossier was closed":                                     "sau khi hồ sơ đã kết thúc",

	// Reports
	"is required: the year, e.g. 2024":                               "là bắt buộc: năm, ví dụ 2024",
	"must be a year, e.g. 2024":                                      "phải là một năm, ví dụ 2024",
	"must be one of year, half, nine_months, quarter, month":         "phải là một trong year, half, nine_months, quarter, month",
	"must be one of month, quarter, half, nine_months, year":         "phải là một trong month, quarter, half, nine_months, year",
	"must be a re-judgement id":                                      "phải là mã của một lần tính lại hạn",
	"re-judgement %d not found":                                      "Không tìm thấy lần tính lại hạn %d.",
	"re-judgement %d is not held by %s":                              "Lần tính lại hạn %d không do %s giữ.",
	"re-judgement %d was taken over":                                 "Lần tính lại hạn %d đã được tiến trình khác tiếp nhận.",
	"%d of %d dossiers changed meanwhile":                            "%d trong %d hồ sơ đã thay đổi trong lúc tính lại.",
	"must be a whole number from 0 to 12":                            "phải là số nguyên từ 0 đến 12",
	"is required with %s: the year, e.g. 2024":                       "là bắt buộc khi có %s: năm, ví dụ 2024",
	"is required: %d agencies are at the top of the tree":            "là bắt buộc: có %d cơ quan ở cấp cao nhất",
	"The metrics need the bearer token set in MOTCUA_METRICS_TOKEN.": "Cần mã bearer đặt trong MOTCUA_METRICS_TOKEN để xem số liệu giám sát.",
	"must be a whole number (%s)":                                    "phải là số nguyên (%s)",
	"must be calendar or decree09":                                   "phải là calendar hoặc decree09",
	"must be one of %s":                                              "phải là một trong %s",
	"must be one of: %s":                                             "phải là một trong: %s",
	"is required: an object of item key to number":                   "là bắt buộc: một đối tượng ánh xạ mã chỉ tiêu sang số",
	"must be a snapshot id":                                          "phải là mã bản chốt số liệu",
	"snapshot not found":                                             "Không tìm thấy bản chốt số liệu.",
	"snapshot without an appendix":                                   "Bản chốt số liệu không có phụ lục.",
	"export: no appendix":                                            "Xuất báo cáo: không có phụ lục.",
	"is not a manual item of the appendix":                           "không phải chỉ tiêu nhập tay của phụ lục",
	"is not a number":                                                "không phải số",
	"must not be negative":                                           "không được âm",
	"year must be between %d and %d":                                 "năm phải từ %d đến %d",
	"%s takes no number":                                             "kỳ %s không có số thứ tự",
	"%s number must be between 1 and %d":                             "số thứ tự của kỳ %s phải từ 1 đến %d",
	"must be before the day of now":                                  "phải trước ngày hiện tại",
	"report figures are inconsistent":                                "Số liệu báo cáo không khớp nhau.",
	"is negative (%d)":                                               "bị âm (%d)",
	"%d ≠ carried_over %d + new %d":                                  "%d ≠ kỳ trước chuyển sang %d + mới tiếp nhận %d",
	"%d ≠ resolved %d + pending %d + withdrawn %d":                   "%d ≠ đã giải quyết %d + đang giải quyết %d + đã rút %d",
	"%d ≠ online %d + direct %d + postal %d":                         "%d ≠ trực tuyến %d + trực tiếp %d + bưu chính %d",
	"%d ≠ early %d + on_time %d + late %d":                           "%d ≠ trước hạn %d + đúng hạn %d + quá hạn %d",
	"%d ≠ within %d + overdue %d":                                    "%d ≠ trong hạn %d + quá hạn %d",
	"%d + late_with_late_apology %d > late %d":                       "%d + xin lỗi muộn %d > quá hạn %d",
	"%d > dossiers_total %d":                                         "%d > tổng số hồ sơ %d",
	"%d > provided %d":                                               "%d > số thủ tục đã cung cấp %d",
	"%d is not between 0 and surveyed %d":                            "%d không nằm trong khoảng từ 0 đến số đã khảo sát %d",
	"level %q is listed twice":                                       "cấp %q bị ghi hai lần",
	"level %q is not in levels":                                      "cấp %q không có trong danh sách cấp (levels)",

	// Jobs, demo and benchmark data (command line)
	"no job %s":                               "Không có tác vụ %s.",
	"job run %s/%s not found":                 "Không tìm thấy lượt chạy tác vụ %s/%s.",
	"must be between 2021 and 2100":           "phải từ 2021 đến 2100",
	"must be between 0 and 2000000":           "phải từ 0 đến 2000000",
	"must be between 1 and 30":                "phải từ 1 đến 30",
	"must be between 0 and 10000":             "phải từ 0 đến 10000",
	"must be after the first day of the year": "phải sau ngày đầu tiên của năm",
	"the database holds agencies already; the demo fills a fresh database": "Cơ sở dữ liệu đã có cơ quan; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu mới.",
	"the database holds dossiers already; generate into a fresh one":       "Cơ sở dữ liệu đã có hồ sơ; hãy sinh dữ liệu vào một cơ sở dữ liệu mới.",
	"the generator writes to PostgreSQL only":                              "Bộ sinh dữ liệu chỉ ghi vào PostgreSQL.",
}
