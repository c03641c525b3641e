// Package demo generates a realistic, deterministic data set for demonstrations and tests:
// a city (district level) with its wards (commune level), a catalogue of procedures that
// changes during the year, the working calendar and a year of dossiers with their histories,
// and loads it into a fresh database.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sort"
	"time"

	"motcua/domain"
	"motcua/store"
)

// Config says what to generate; zero fields take the defaults of DefaultConfig.
type Config struct {
	Seed     uint64
	Year     int       // the dossiers are received in this calendar year
	Dossiers int       // how many
	Wards    int       // communes under the city, at most 30
	Now      time.Time // nothing happens from this moment on (default: the end of Year); dossiers open then stay pending
	Calendar []domain.CalendarYear
	// WorkHours and Supplement are the deadline settings (default: 07:00-11:00,13:00-17:00 and restart).
	WorkHours  domain.WorkHours
	Supplement domain.SupplementClock
	Feedback   int // citizens' complaints and suggestions over the year (default 15)
}

// DefaultConfig is a city-year of about 35,000 dossiers in 2024, the year of the seed report.
func DefaultConfig() Config {
	return Config{Seed: 1, Year: 2024, Dossiers: 35000, Wards: 10, Feedback: 15}
}

// CityCode is the code of the generated city; ward n (1-based) has WardCode(n).
const CityCode = "000.00.24.H50"

// WardCode returns the code of the n-th generated ward.
func WardCode(n int) string { return fmt.Sprintf("000.%02d.24.H50", n) }

// Actor is who the generated events are recorded by.
const Actor = "demo"

// Data is a generated data set.
type Data struct {
	Agencies   []*domain.Agency // parents first, with their paths
	Procedures []*domain.Procedure
	Calendar   []domain.CalendarYear
	Dossiers   []*domain.ImportedDossier // in order of intake
	Feedback   []*domain.Feedback        // ResolvedAt and Answer set for those answered
}

// procSpec is one catalogue entry and how often it is asked for.
type procSpec struct {
	code, name, field string
	level             domain.Level
	days, hours       int // hours > 0: a limit in working hours
	eligible, offered domain.OnlineLevel
	portal, fee, pay  bool
	postal            bool
	same, cross       bool
	published         string
	repealed          string
	weight            float64
}

const (
	none    = domain.OnlineNone
	partial = domain.OnlinePartial
	full    = domain.OnlineFull
	dist    = domain.LevelDistrict
	comm    = domain.LevelCommune
)

// catalogue is a city's and its wards' procedures; the land procedures change on
// 2024-08-01 when the Land Law 2024 came into force.
var catalogue = []procSpec{
	// District level (UBND thành phố).
	{"1.001990.000.00.00.H50", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", dist, 10, 0, partial, partial, true, true, false, true, false, true, "2021-06-01", "2024-08-01", 9},
	{"1.012790.000.00.00.H50", "Đăng ký biến động đất đai, tài sản gắn liền với đất (Luật Đất đai 2024)", "Đất đai", dist, 10, 0, full, partial, true, true, true, true, false, true, "2024-08-01", "", 9},
	{"1.002255.000.00.00.H50", "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", "Đất đai", dist, 30, 0, partial, partial, true, true, false, true, false, true, "2021-06-01", "", 3},
	{"1.003010.000.00.00.H50", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", "Đất đai", dist, 15, 0, partial, none, false, true, false, false, false, true, "2021-06-01", "", 1.5},
	{"1.004227.000.00.00.H50", "Tách thửa hoặc hợp thửa đất", "Đất đai", dist, 15, 0, full, partial, true, true, false, true, false, false, "2021-06-01", "2024-08-01", 3},
	{"1.012801.000.00.00.H50", "Tách thửa hoặc hợp thửa đất (Luật Đất đai 2024)", "Đất đai", dist, 15, 0, full, partial, true, true, true, true, false, false, "2024-08-01", "", 3},
	{"1.005194.000.00.00.H50", "Cấp đổi Giấy chứng nhận quyền sử dụng đất", "Đất đai", dist, 7, 0, partial, partial, true, true, false, true, false, false, "2021-06-01", "", 2.5},
	{"1.009994.000.00.00.H50", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", dist, 15, 0, full, full, true, true, true, true, false, false, "2021-03-15", "", 3},
	{"1.009995.000.00.00.H50", "Cấp giấy phép sửa chữa, cải tạo đối với nhà ở riêng lẻ", "Xây dựng", dist, 15, 0, full, full, true, true, true, false, false, false, "2021-03-15", "", 1},
	{"1.009996.000.00.00.H50", "Gia hạn giấy phép xây dựng", "Xây dựng", dist, 5, 0, full, full, true, true, true, false, false, false, "2021-03-15", "", 0.3},
	{"2.000720.000.00.00.H50", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, true, true, true, false, false, "2021-08-01", "", 3},
	{"2.000575.000.00.00.H50", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, true, true, true, false, false, "2021-08-01", "", 1.5},
	{"2.000556.000.00.00.H50", "Tạm ngừng hoạt động hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, false, false, false, false, false, "2021-08-01", "", 0.5},
	{"2.000583.000.00.00.H50", "Chấm dứt hoạt động hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, false, false, false, false, false, "2021-08-01", "", 0.5},
	{"1.001766.000.00.00.H50", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", dist, 15, 0, partial, partial, true, true, false, true, false, false, "2020-10-01", "", 0.1},
	{"2.000748.000.00.00.H50", "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", "Hộ tịch", dist, 3, 0, full, full, true, true, true, true, false, false, "2020-10-01", "", 0.6},
	{"2.000815.000.00.00.H50", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp", "Chứng thực", dist, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 2},
	{"2.000884.000.00.00.H50", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật", "Chứng thực", dist, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 0.8},
	{"1.001776.000.00.00.H50", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng", "Bảo trợ xã hội", dist, 10, 0, full, partial, true, false, false, true, false, true, "2021-07-01", "", 1},
	{"1.004442.000.00.00.H50", "Chuyển trường đối với học sinh trung học cơ sở", "Giáo dục và Đào tạo", dist, 3, 0, full, full, true, false, false, false, false, false, "2021-01-15", "", 0.6},
	{"1.001120.000.00.00.H50", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm", dist, 20, 0, full, full, true, true, true, true, false, false, "2021-01-15", "", 0.5},
	{"2.000181.000.00.00.H50", "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", "Lưu thông hàng hóa trong nước", dist, 15, 0, full, full, true, true, true, false, false, false, "2021-01-15", "2024-10-15", 0.2},
	{"1.003726.000.00.00.H50", "Cấp Giấy phép kinh doanh dịch vụ karaoke", "Văn hóa", dist, 5, 0, full, partial, true, true, false, false, false, false, "2021-01-15", "", 0.15},
	// Commune level (UBND phường).
	{"1.001193.000.00.00.H50", "Đăng ký khai sinh", "Hộ tịch", comm, 0, 0, full, full, true, false, false, true, true, true, "2020-10-01", "", 8},
	{"1.000894.000.00.00.H50", "Đăng ký kết hôn", "Hộ tịch", comm, 0, 0, full, full, true, false, false, false, false, false, "2020-10-01", "", 2},
	{"1.000656.000.00.00.H50", "Đăng ký khai tử", "Hộ tịch", comm, 0, 0, full, full, true, false, false, true, true, true, "2020-10-01", "", 2},
	{"1.004873.000.00.00.H50", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", comm, 3, 0, full, full, true, true, true, true, false, false, "2020-10-01", "", 6},
	{"1.001022.000.00.00.H50", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", comm, 0, 4, full, full, true, true, true, true, false, false, "2020-10-01", "", 5},
	{"1.000689.000.00.00.H50", "Đăng ký lại khai sinh", "Hộ tịch", comm, 5, 0, partial, partial, true, false, false, false, false, false, "2020-10-01", "", 0.5},
	{"1.000419.000.00.00.H50", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", comm, 3, 0, partial, partial, true, true, false, false, false, false, "2020-10-01", "", 0.3},
	{"2.000908.000.00.00.H50", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp", "Chứng thực", comm, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 10},
	{"2.001035.000.00.00.H50", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", comm, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 3},
	{"2.001019.000.00.00.H50", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", "Chứng thực", comm, 2, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 1.5},
	{"2.000286.000.00.00.H50", "Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng", "Bảo trợ xã hội", comm, 2, 0, partial, partial, true, false, false, false, false, true, "2021-07-01", "", 0.3},
	{"1.010815.000.00.00.H50", "Giải quyết chế độ mai táng phí đối với người có công với cách mạng", "Người có công", comm, 5, 0, partial, partial, true, false, false, false, false, true, "2021-07-01", "", 0.2},
	{"1.003554.000.00.00.H50", "Hòa giải tranh chấp đất đai", "Đất đai", comm, 45, 0, partial, none, false, false, false, false, false, false, "2021-06-01", "", 0.2},
	{"2.002189.000.00.00.H50", "Xác nhận hợp đồng tiếp cận nguồn gen và chia sẻ lợi ích", "Môi trường", comm, 5, 0, partial, none, false, false, false, false, false, false, "2021-06-01", "2024-07-01", 0.05},
	{"1.000748.000.00.00.H50", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", "Thi đua, khen thưởng", comm, 10, 0, partial, partial, true, false, false, false, false, false, "2024-03-15", "", 0.1},
	{"1.008004.000.00.00.H50", "Xác nhận đơn đề nghị hỗ trợ người lao động tạm hoãn hợp đồng lao động", "Việc làm", comm, 2, 0, full, full, true, false, false, false, false, false, "2021-07-01", "2024-04-01", 0.1},
	{"1.000775.000.00.00.H50", "Thủ tục thực hiện hỗ trợ khi hòa giải viên gặp tai nạn hoặc rủi ro", "Phổ biến giáo dục pháp luật", comm, 5, 0, partial, partial, true, false, false, false, false, false, "2021-07-01", "", 0.02},
}

// wardWeight is how busy each ward is relative to the others.
var wardWeight = []float64{1.4, 1.2, 1.1, 1.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.7, 0.7, 0.6}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Thạch", "Lâm", "Trương", "Châu"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thị Thu", "Đức", "Kim", "Gia"}
	givenNames  = []string{"An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngân", "Nhung", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Vy", "Yến", "Đạt", "Khánh"}
)

// Generate builds the data set cfg describes; the same cfg always gives the same data.
// It returns EINVALID naming a bad setting.
func Generate(cfg Config) (*Data, error) {
	def := DefaultConfig()
	if cfg.Year == 0 {
		cfg.Year = def.Year
	}
	if cfg.Dossiers == 0 {
		cfg.Dossiers = def.Dossiers
	}
	if cfg.Wards == 0 {
		cfg.Wards = def.Wards
	}
	if cfg.Feedback == 0 {
		cfg.Feedback = def.Feedback
	}
	var p domain.Problems
	if cfg.Year < 2021 || cfg.Year > 2100 {
		p.Add("year", "must be between 2021 and 2100")
	}
	if cfg.Dossiers < 0 || cfg.Dossiers > 2_000_000 {
		p.Add("dossiers", "must be between 0 and 2000000")
	}
	if cfg.Wards < 1 || cfg.Wards > 30 {
		p.Add("wards", "must be between 1 and 30")
	}
	if cfg.Feedback < 0 || cfg.Feedback > 10000 {
		p.Add("feedback", "must be between 0 and 10000")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	yearStart := domain.Date{Year: cfg.Year, Month: 1, Day: 1}.Start()
	yearEnd := domain.Date{Year: cfg.Year + 1, Month: 1, Day: 1}.Start()
	if cfg.Now.IsZero() {
		cfg.Now = yearEnd
	}
	if !cfg.Now.After(yearStart.Add(24 * time.Hour)) {
		return nil, domain.Invalid("now", "must be after the first day of the year")
	}

	g := &generator{cfg: cfg, rng: mrand.New(mrand.NewPCG(cfg.Seed, 0x6d6f74637561)), now: cfg.Now, receiveEnd: cfg.Now}
	if g.receiveEnd.After(yearEnd) {
		g.receiveEnd = yearEnd
	}
	g.rules = domain.Rules{Calendar: domain.NewStatutoryCalendar(cfg.WorkHours, cfg.Calendar), Supplement: cfg.Supplement}
	data := &Data{Calendar: cfg.Calendar}
	city := &domain.Agency{Code: CityCode, Name: "UBND thành phố Sóc Trăng", Level: domain.LevelDistrict}
	city.Path = domain.ChildPath("", city.Code)
	data.Agencies = append(data.Agencies, city)
	for i := 1; i <= cfg.Wards; i++ {
		w := &domain.Agency{Code: WardCode(i), Name: fmt.Sprintf("UBND Phường %d", i), Level: domain.LevelCommune, ParentCode: CityCode}
		w.Path = domain.ChildPath(city.Path, w.Code)
		data.Agencies = append(data.Agencies, w)
		g.wards = append(g.wards, w)
		g.wardWeights = append(g.wardWeights, wardWeight[(i-1)%len(wardWeight)])
	}
	g.city = city
	for _, sp := range catalogue {
		pr := sp.procedure()
		data.Procedures = append(data.Procedures, pr)
		g.procs = append(g.procs, genProc{spec: sp, p: pr})
	}

	days := int(g.receiveEnd.Sub(yearStart).Hours()/24) + 1
	for i := 0; i < cfg.Dossiers; i++ {
		imp, err := g.dossier(yearStart, days)
		if err != nil {
			return nil, err
		}
		data.Dossiers = append(data.Dossiers, imp)
	}
	sort.SliceStable(data.Dossiers, func(i, j int) bool {
		return data.Dossiers[i].Dossier.ReceivedAt.Before(data.Dossiers[j].Dossier.ReceivedAt)
	})
	seq := map[string]int{}
	for _, imp := range data.Dossiers {
		d := imp.Dossier
		day := domain.DateOf(d.ReceivedAt)
		k := d.AgencyCode + "/" + day.String()
		seq[k]++
		d.Code = domain.FormatCode(d.AgencyCode, day, seq[k])
	}
	for i := 0; i < cfg.Feedback; i++ {
		data.Feedback = append(data.Feedback, g.feedback(yearStart, days))
	}
	sort.SliceStable(data.Feedback, func(i, j int) bool { return data.Feedback[i].ReceivedAt.Before(data.Feedback[j].ReceivedAt) })
	return data, nil
}

var feedbackTopics = []struct{ content, answer string }{
	{"Đề nghị niêm yết rõ hơn mức lệ phí cấp bản sao trích lục hộ tịch tại bộ phận một cửa.", "Đã niêm yết bổ sung bảng phí, lệ phí tại khu vực tiếp nhận."},
	{"Hồ sơ đăng ký biến động đất đai trả chậm so với ngày hẹn, không nhận được phiếu xin lỗi.", "Đã kiểm tra, nhắc nhở bộ phận chuyên môn và gửi phiếu xin lỗi, hẹn lại ngày trả kết quả."},
	{"Phản ánh thái độ hướng dẫn chưa tận tình của công chức tiếp nhận hồ sơ.", "Đã xác minh, chấn chỉnh công chức và trả lời công dân."},
	{"Đề nghị hướng dẫn nộp hồ sơ trực tuyến cấp giấy phép xây dựng nhà ở riêng lẻ.", "Đã hướng dẫn qua điện thoại và đăng tải tài liệu hướng dẫn trên trang thông tin điện tử."},
	{"Kiến nghị bố trí thêm ghế chờ tại bộ phận một cửa vào giờ cao điểm.", "Đã bố trí thêm ghế chờ và máy lấy số thứ tự."},
}

// feedback writes one citizen's complaint or suggestion; most are answered within two weeks.
func (g *generator) feedback(yearStart time.Time, days int) *domain.Feedback {
	agencies := append([]*domain.Agency{g.city}, g.wards...)
	a := agencies[g.rng.IntN(len(agencies))]
	topic := feedbackTopics[g.rng.IntN(len(feedbackTopics))]
	cal := g.rules.Calendar
	at := cal.NextWorkingMoment(yearStart.Add(time.Duration(g.rng.IntN(days))*24*time.Hour + 8*time.Hour)).Truncate(time.Second)
	if !at.Before(g.receiveEnd) {
		at = g.receiveEnd.Add(-time.Hour)
	}
	f := &domain.Feedback{AgencyCode: a.Code, AgencyPath: a.Path, Content: topic.content, ReceivedAt: at, CreatedBy: Actor}
	if g.chance(0.85) {
		resolved := cal.AddWorkingTime(at, g.between(time.Hour, 10*cal.WorkHours().PerDay())).Truncate(time.Second)
		if resolved.Before(g.now) {
			f.ResolvedAt, f.Answer = &resolved, topic.answer
		}
	}
	return f
}

func (sp procSpec) procedure() *domain.Procedure {
	pub, _ := domain.ParseDate(sp.published)
	p := &domain.Procedure{Code: sp.code, Name: sp.name, Field: sp.field, Level: sp.level,
		OnlineEligible: sp.eligible, OnlineProvided: sp.offered, NationalPortal: sp.portal, Fee: sp.fee,
		OnlinePayment: sp.pay, Postal: sp.postal, InterlinkedSameLevel: sp.same, InterlinkedCrossLevel: sp.cross,
		PublishedOn: pub, EffectiveOn: pub}
	if sp.hours > 0 {
		h := sp.hours
		p.TimeLimitHours = &h
	} else {
		d := sp.days
		p.TimeLimitDays = &d
	}
	if sp.repealed != "" {
		r, _ := domain.ParseDate(sp.repealed)
		p.RepealedOn = &r
	}
	return p
}

type genProc struct {
	spec procSpec
	p    *domain.Procedure
}

type generator struct {
	cfg         Config
	rng         *mrand.Rand
	rules       domain.Rules
	now         time.Time // nothing happens from now on
	receiveEnd  time.Time // no intake from then on: now, or the end of the year
	city        *domain.Agency
	wards       []*domain.Agency
	wardWeights []float64
	procs       []genProc
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// between returns a uniformly random duration in [lo, hi).
func (g *generator) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)))
}

func pick[T any](g *generator, items []T, weight func(T) float64) T {
	var total float64
	for _, it := range items {
		total += weight(it)
	}
	x := g.rng.Float64() * total
	for _, it := range items {
		if x -= weight(it); x < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// intake picks when, where, for what and how a dossier comes in.
func (g *generator) intake(yearStart time.Time, days int) (*domain.Dossier, genProc) {
	cal := g.rules.Calendar
	for {
		day := domain.DateOf(yearStart.Add(time.Duration(g.rng.IntN(days))*24*time.Hour + 12*time.Hour))
		// Busier before Tết and at the end of the year, quieter in the Tết weeks.
		if m := day.Month; (m == 2 && g.chance(0.3)) || (m == 7 && g.chance(0.1)) {
			continue
		}
		var inForce []genProc
		for _, gp := range g.procs {
			if gp.p.InForce(day) {
				inForce = append(inForce, gp)
			}
		}
		gp := pick(g, inForce, func(p genProc) float64 { return p.spec.weight })
		ch := domain.ChannelDirect
		switch {
		case gp.p.OnlineProvided == domain.OnlineFull && g.chance(0.62),
			gp.p.OnlineProvided == domain.OnlinePartial && g.chance(0.45):
			ch = domain.ChannelOnline
		case gp.p.Postal && g.chance(0.04):
			ch = domain.ChannelPostal
		}
		var at time.Time
		if ch == domain.ChannelOnline {
			// Online dossiers come in at any hour, mostly in the daytime and evening.
			minute := 6*60 + g.rng.IntN(17*60)
			if g.chance(0.05) {
				minute = g.rng.IntN(24 * 60)
			}
			at = day.At(minute).Add(time.Duration(g.rng.IntN(60)) * time.Second)
		} else {
			if !cal.IsWorkday(day) {
				continue
			}
			at = cal.NextWorkingMoment(day.At(7*60 + g.rng.IntN(10*60))).Add(time.Duration(g.rng.IntN(60)) * time.Second)
		}
		if !at.Before(g.receiveEnd) || !gp.p.InForce(domain.DateOf(at)) {
			continue
		}
		agency := g.city
		if gp.p.Level == domain.LevelCommune {
			i := pick(g, indexes(len(g.wards)), func(i int) float64 { return g.wardWeights[i] })
			agency = g.wards[i]
		}
		ret := domain.ChannelDirect
		switch {
		case gp.p.Postal && (ch == domain.ChannelPostal || g.chance(0.03)):
			ret = domain.ChannelPostal
		case ch == domain.ChannelOnline && gp.p.OnlineProvided == domain.OnlineFull && g.chance(0.5):
			ret = domain.ChannelOnline
		}
		d := &domain.Dossier{AgencyCode: agency.Code, AgencyPath: agency.Path, AgencyLevel: agency.Level,
			ProcedureCode: gp.p.Code, ProcedureName: gp.p.Name, Field: gp.p.Field, TimeLimit: gp.p.Limit(),
			Channel: ch, ReturnChannel: ret, Applicant: g.applicant(), Digitized: g.chance(0.7),
			ReceivedAt: at.In(domain.Location)}
		return d, gp
	}
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (g *generator) applicant() domain.Applicant {
	name := familyNames[g.rng.IntN(len(familyNames))] + " " + middleNames[g.rng.IntN(len(middleNames))] + " " +
		givenNames[g.rng.IntN(len(givenNames))]
	return domain.Applicant{Name: name, IDNumber: fmt.Sprintf("0%02d%09d", 90+g.rng.IntN(6), g.rng.IntN(1_000_000_000)),
		Phone: fmt.Sprintf("09%08d", g.rng.IntN(100_000_000))}
}

// life is one dossier's history being written: each step is applied only if it happens
// before now, and never before the previous step.
type life struct {
	g       *generator
	d       *domain.Dossier
	events  []domain.Event
	stopped bool // the story reached now: nothing more happens
}

func (l *life) last() time.Time { return l.events[len(l.events)-1].At }

// apply records req at its time (moved to just after the last event if needed); false
// when that is not before now, and then the dossier stays as it is.
func (l *life) apply(req domain.ActionRequest) error {
	if l.stopped {
		return nil
	}
	req.At = req.At.Truncate(time.Second)
	if !req.At.After(l.last()) {
		req.At = l.last().Add(time.Minute)
	}
	if !req.At.Before(l.g.now) {
		l.stopped = true
		return nil
	}
	req.Actor = Actor
	ev, err := l.g.rules.Apply(l.d, l.events, req)
	if err != nil {
		return fmt.Errorf("demo: %s on %s: %w", req.Action, l.d.ProcedureCode, err)
	}
	l.events = append(l.events, *ev)
	return nil
}

// dossier writes one dossier's life: intake, processing, perhaps a supplement or a pause,
// then a resolution (mostly early or on time, a few late, some of those with an apology),
// the return of the result, or a withdrawal; whatever would happen after now does not.
func (g *generator) dossier(yearStart time.Time, days int) (*domain.ImportedDossier, error) {
	d, gp := g.intake(yearStart, days)
	cal := g.rules.Calendar
	intake := g.rules.Intake(d, Actor, "")
	l := &life{g: g, d: d, events: []domain.Event{*intake}}
	workDay := cal.WorkHours().PerDay()
	total := cal.WorkingTimeBetween(d.ClockStart, d.DueAt)

	if g.chance(0.006) {
		err := l.apply(domain.ActionRequest{Action: domain.ActionWithdraw, Reason: "Công dân xin rút hồ sơ",
			At: cal.AddWorkingTime(d.ClockStart, g.between(time.Hour, max(2*time.Hour, total/2)))})
		return l.done(err)
	}
	startIn := g.between(time.Minute, max(2*time.Minute, min(2*time.Hour, total/4)))
	err := l.apply(domain.ActionRequest{Action: domain.ActionStart, At: cal.AddWorkingTime(d.ClockStart, startIn)})
	if err != nil {
		return nil, err
	}
	if total > workDay && g.chance(0.03) {
		at := cal.AddWorkingTime(l.last(), g.between(time.Hour, total/3))
		if err := l.apply(domain.ActionRequest{Action: domain.ActionRequestSupplement, Reason: "Bổ sung giấy tờ còn thiếu", At: at}); err != nil {
			return nil, err
		}
		if err := l.apply(domain.ActionRequest{Action: domain.ActionSupplement, At: cal.AddWorkingTime(l.last(), g.between(workDay, 5*workDay))}); err != nil {
			return nil, err
		}
	}
	if gp.p.Field == "Đất đai" && g.chance(0.08) {
		at := cal.AddWorkingTime(l.last(), g.between(time.Hour, max(2*time.Hour, total/2)))
		if err := l.apply(domain.ActionRequest{Action: domain.ActionPause, Reason: "Chờ người sử dụng đất thực hiện nghĩa vụ tài chính", At: at}); err != nil {
			return nil, err
		}
		if err := l.apply(domain.ActionRequest{Action: domain.ActionResume, At: cal.AddWorkingTime(l.last(), g.between(2*workDay, 8*workDay))}); err != nil {
			return nil, err
		}
	}
	if l.stopped {
		return l.done(nil)
	}
	if g.chance(0.003) { // stuck: never resolved in the year
		return l.done(nil)
	}
	lateRate := 0.008
	if d.AgencyLevel == domain.LevelDistrict {
		lateRate = 0.02
	}
	var resolveAt time.Time
	if g.chance(lateRate) {
		resolveAt = cal.AddWorkingTime(d.DueAt, g.between(30*time.Minute, 8*workDay))
		if g.chance(0.65) {
			// The apology letter: usually a working day or more before the due time, sometimes too late.
			before := g.between(workDay, 2*workDay)
			if g.chance(0.15) {
				before = g.between(10*time.Minute, workDay/2)
			}
			at := cal.SubtractWorkingTime(d.DueAt, before)
			appt := cal.AddWorkingTime(resolveAt, g.between(0, workDay))
			if at.After(l.last()) {
				if err := l.apply(domain.ActionRequest{Action: domain.ActionApologize, Reason: "Hồ sơ cần xác minh thêm",
					At: at, NewAppointmentAt: &appt}); err != nil {
					return nil, err
				}
			}
		}
	} else {
		remaining := cal.WorkingTimeBetween(l.last(), d.DueAt)
		lo := remaining / 10
		if d.TimeLimit.Immediate() {
			lo = 0
		}
		resolveAt = cal.AddWorkingTime(l.last(), g.between(lo, max(lo+time.Minute, remaining)))
		if resolveAt.After(d.DueAt) {
			resolveAt = d.DueAt
		}
	}
	outcome := domain.OutcomeApproved
	if g.chance(0.02) {
		outcome = domain.OutcomeRefused
	}
	if err := l.apply(domain.ActionRequest{Action: domain.ActionResolve, Outcome: outcome, ResultDigitized: g.chance(0.6), At: resolveAt}); err != nil {
		return nil, err
	}
	if d.Status == domain.StatusResolved {
		if err := l.apply(domain.ActionRequest{Action: domain.ActionReturn, Channel: d.ReturnChannel,
			At: cal.AddWorkingTime(l.last(), g.between(10*time.Minute, 3*workDay))}); err != nil {
			return nil, err
		}
	}
	return l.done(nil)
}

func (l *life) done(err error) (*domain.ImportedDossier, error) {
	if err != nil {
		return nil, err
	}
	l.d.UpdatedAt = l.last()
	return &domain.ImportedDossier{Dossier: l.d, Events: l.events}, nil
}

// Load stores data in st, which must hold no agencies yet: agencies, calendar years,
// procedures, feedback, then every dossier with its history through the store's bulk import,
// in transactions of loadChunk dossiers (a failure part-way leaves the dossiers loaded so far).
// Each dossier gets a fresh random lookup id. ECONFLICT when st is not empty.
func Load(ctx context.Context, st *store.Store, data *Data) error {
	existing, err := st.ListAgencies(ctx, "")
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return domain.Errorf(domain.ECONFLICT, "the database holds agencies already; the demo fills a fresh database")
	}
	for _, a := range data.Agencies {
		copy := *a
		if err := st.CreateAgency(ctx, &copy); err != nil {
			return fmt.Errorf("agency %s: %w", a.Code, err)
		}
	}
	for _, y := range data.Calendar {
		if err := st.PutCalendarYear(ctx, y); err != nil {
			return fmt.Errorf("calendar %d: %w", y.Year, err)
		}
	}
	for _, p := range data.Procedures {
		copy := *p
		if err := st.CreateProcedure(ctx, &copy); err != nil {
			return fmt.Errorf("procedure %s: %w", p.Code, err)
		}
	}
	for _, f := range data.Feedback {
		copy := *f
		copy.ResolvedAt = nil
		if err := st.CreateFeedback(ctx, &copy); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
		if f.ResolvedAt != nil {
			if _, err := st.ResolveFeedback(ctx, copy.ID, f.Answer, *f.ResolvedAt); err != nil {
				return fmt.Errorf("feedback %d: %w", copy.ID, err)
			}
		}
	}
	for start := 0; start < len(data.Dossiers); start += loadChunk {
		chunk := data.Dossiers[start:min(start+loadChunk, len(data.Dossiers))]
		i := 0
		_, err := st.ImportDossiers(ctx, func() (store.ImportItem, error) {
			if i >= len(chunk) {
				return store.ImportItem{}, io.EOF
			}
			imp := chunk[i]
			i++
			if imp.Dossier.LookupID == "" {
				imp.Dossier.LookupID = newLookupID()
			}
			return store.ImportItem{Line: start + i, ImportedDossier: imp}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadChunk is how many dossiers Load hands the bulk import at a time. The SQLite driver
// binds a statement's parameters in time quadratic in their number, so the import's
// multi-row statements are kept small by giving it small chunks.
const loadChunk = 50

// newLookupID returns 16 random bytes in hex, as qr.Signer.NewToken makes them.
func newLookupID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
