// Package bench measures motcua at the scale of a province: a generator that writes years of
// realistic dossiers with PostgreSQL's COPY, an HTTP load client, and the suite that compares
// the service with PostgreSQL's own limits (pgbench) on the same machine in the same run.
package bench

import (
	"context"
	"fmt"

	"motcua/calendars"
	"motcua/domain"
	"motcua/store"
)

// The generated province: before the reform of 2025-07-01 it had districts (cấp huyện) with
// their communes; from then on it has 100 communes directly under the province.
const (
	ProvinceCode = "000.00.00.H50"
	provinceName = "UBND tỉnh Sông Hậu"
)

// Reform is the first day of two-level local government (no district level).
var Reform = domain.Date{Year: 2025, Month: 7, Day: 1}

// DistrictCode returns the code of the k-th former district (1-based).
func DistrictCode(k int) string { return fmt.Sprintf("000.00.%02d.H50", k) }

// OldCommuneCode returns the code of the j-th former commune of district k (both 1-based).
func OldCommuneCode(k, j int) string { return fmt.Sprintf("000.%02d.%02d.H50", j, k) }

// CommuneCode returns the code of the n-th commune of the two-level province (1-based).
func CommuneCode(n int) string { return fmt.Sprintf("001.%03d.00.H50", n) }

// Province is the generated agency tree and catalogue.
type Province struct {
	Province    *domain.Agency
	Districts   []*domain.Agency // former district level
	OldCommunes []*domain.Agency // communes under the districts, before the reform
	Communes    []*domain.Agency // communes under the province, from the reform on
	Procedures  []*domain.Procedure
	Calendar    []domain.CalendarYear

	weights map[string]float64 // how busy an agency is, by code
	specs   []procSpec         // parallel to Procedures
}

// Agencies returns every agency, parents first.
func (p *Province) Agencies() []*domain.Agency {
	out := []*domain.Agency{p.Province}
	out = append(out, p.Districts...)
	out = append(out, p.OldCommunes...)
	return append(out, p.Communes...)
}

var (
	districtNames = []string{"Thành phố Sông Hậu", "Thị xã Vĩnh Châu", "Huyện Mỹ Xuyên", "Huyện Long Phú", "Huyện Kế Sách",
		"Huyện Châu Thành", "Huyện Mỹ Tú", "Huyện Thạnh Trị", "Huyện Cù Lao Dung", "Huyện Trần Đề", "Thị xã Ngã Năm", "Huyện Phú Tâm"}
	placeNames = []string{"An Lạc", "An Ninh", "An Hiệp", "Bình Thạnh", "Châu Khánh", "Đại Hải", "Đại Ân", "Gia Hòa", "Hòa Tú",
		"Hưng Phú", "Khánh Hòa", "Lạc Hòa", "Lịch Hội Thượng", "Long Đức", "Mỹ Phước", "Mỹ Thuận", "Ngọc Đông", "Nhơn Mỹ",
		"Phong Nẫm", "Phú Mỹ", "Song Phụng", "Tài Văn", "Tân Hưng", "Thạnh Phú", "Thạnh Quới", "Thuận Hòa", "Trung Bình",
		"Viên An", "Vĩnh Hải", "Vĩnh Phước", "Xuân Hòa", "Đông Phước", "Hậu Thạnh", "Kiến Vàng", "Lâm Kiết", "Mỹ Hương"}
)

// NewProvince builds the province: districts × communesPerDistrict former communes, and
// communes new ones (communes ≤ 999).
func NewProvince(districts, communesPerDistrict, communes int) (*Province, error) {
	years, err := calendars.Years()
	if err != nil {
		return nil, err
	}
	p := &Province{Calendar: years, weights: map[string]float64{}}
	p.Province = &domain.Agency{Code: ProvinceCode, Name: provinceName, Level: domain.LevelProvince}
	p.Province.Path = domain.ChildPath("", ProvinceCode)
	p.weights[ProvinceCode] = 1
	for k := 1; k <= districts; k++ {
		d := &domain.Agency{Code: DistrictCode(k), Name: "UBND " + districtNames[(k-1)%len(districtNames)], Level: domain.LevelDistrict,
			ParentCode: ProvinceCode}
		if k > len(districtNames) {
			d.Name += fmt.Sprintf(" %d", k)
		}
		d.Path = domain.ChildPath(p.Province.Path, d.Code)
		p.Districts = append(p.Districts, d)
		p.weights[d.Code] = 0.6 + 0.8*float64((k*7)%10)/10
		for j := 1; j <= communesPerDistrict; j++ {
			kind := "xã"
			if j <= 3 {
				kind = "phường"
			}
			c := &domain.Agency{Code: OldCommuneCode(k, j), Level: domain.LevelCommune, ParentCode: d.Code,
				Name: fmt.Sprintf("UBND %s %s %d", kind, placeNames[(k*13+j)%len(placeNames)], j)}
			c.Path = domain.ChildPath(d.Path, c.Code)
			p.OldCommunes = append(p.OldCommunes, c)
			p.weights[c.Code] = 0.4 + 1.2*float64((k*31+j*17)%10)/10
		}
	}
	for n := 1; n <= communes; n++ {
		kind := "xã"
		if n%5 == 0 {
			kind = "phường"
		}
		c := &domain.Agency{Code: CommuneCode(n), Level: domain.LevelCommune, ParentCode: ProvinceCode,
			Name: fmt.Sprintf("UBND %s %s", kind, placeNames[(n*7)%len(placeNames)])}
		if n > len(placeNames) {
			c.Name += fmt.Sprintf(" %d", (n-1)/len(placeNames)+1)
		}
		c.Path = domain.ChildPath(p.Province.Path, c.Code)
		p.Communes = append(p.Communes, c)
		p.weights[c.Code] = 0.4 + 1.2*float64((n*37)%10)/10
	}
	for _, sp := range catalogue {
		p.Procedures = append(p.Procedures, sp.procedure())
		p.specs = append(p.specs, sp)
	}
	return p, nil
}

// SeedCatalogue stores the province's agencies, calendar years and procedures in st, which
// must hold none of them yet (ECONFLICT otherwise).
func SeedCatalogue(ctx context.Context, st *store.Store, p *Province) error {
	for _, a := range p.Agencies() {
		c := *a
		if err := st.CreateAgency(ctx, &c); err != nil {
			return fmt.Errorf("agency %s: %w", a.Code, err)
		}
	}
	for _, y := range p.Calendar {
		if err := st.PutCalendarYear(ctx, y); err != nil {
			return fmt.Errorf("calendar %d: %w", y.Year, err)
		}
	}
	for _, pr := range p.Procedures {
		c := *pr
		if err := st.CreateProcedure(ctx, &c); err != nil {
			return fmt.Errorf("procedure %s: %w", pr.Code, err)
		}
	}
	return nil
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

func (sp procSpec) procedure() *domain.Procedure {
	pub, err := domain.ParseDate(sp.published)
	if err != nil {
		panic("bench: catalogue: " + sp.code + ": " + err.Error())
	}
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

const (
	none    = domain.OnlineNone
	partial = domain.OnlinePartial
	full    = domain.OnlineFull
	prov    = domain.LevelProvince
	dist    = domain.LevelDistrict
	comm    = domain.LevelCommune
	reform  = "2025-07-01"
)

// catalogue: the province's, the former districts' (repealed at the reform, their work moved
// to the communes under new codes) and the communes'. Weights are relative demand.
var catalogue = []procSpec{
	// Province level (sở, ban, ngành through the provincial public administration centre).
	{"1.000105.000.00.00.H50", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Lý lịch tư pháp", prov, 10, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 3},
	{"1.009645.000.00.00.H50", "Cấp giấy phép xây dựng đối với công trình cấp đặc biệt, cấp I, cấp II", "Xây dựng", prov, 20, 0, full, full, true, true, true, true, false, true, "2021-03-15", "", 0.3},
	{"1.001612.000.00.00.H50", "Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và hoạt động của doanh nghiệp", prov, 3, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 1.2},
	{"2.001610.000.00.00.H50", "Đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Thành lập và hoạt động của doanh nghiệp", prov, 3, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 1.5},
	{"1.001978.000.00.00.H50", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", prov, 5, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 0.2},
	{"1.002804.000.00.00.H50", "Cấp đổi giấy phép lái xe", "Đường bộ", prov, 5, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 2.5},
	{"1.004941.000.00.00.H50", "Cấp chứng chỉ hành nghề dược", "Dược phẩm", prov, 20, 0, full, full, true, true, true, true, false, false, "2021-01-01", "", 0.1},
	{"1.008724.000.00.00.H50", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Giáo dục và Đào tạo", prov, 0, 4, full, full, true, true, true, true, false, false, "2021-01-01", "", 0.6},
	{"1.004227.000.00.00.H50", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu (tổ chức)", "Đất đai", prov, 20, 0, partial, partial, true, true, false, true, false, true, "2021-06-01", "2024-08-01", 0.4},
	{"1.012756.000.00.00.H50", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu (tổ chức) (Luật Đất đai 2024)", "Đất đai", prov, 20, 0, full, partial, true, true, true, true, false, true, "2024-08-01", "", 0.4},
	{"1.010938.000.00.00.H50", "Cấp Giấy chứng nhận đăng ký đầu tư", "Đầu tư tại Việt Nam", prov, 15, 0, partial, partial, true, true, false, false, true, true, "2021-01-01", "", 0.05},
	// District level, until the reform.
	{"1.001990.000.00.00.H50", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", dist, 10, 0, partial, partial, true, true, false, true, false, true, "2021-06-01", "2024-08-01", 9},
	{"1.012790.000.00.00.H50", "Đăng ký biến động đất đai, tài sản gắn liền với đất (Luật Đất đai 2024)", "Đất đai", dist, 10, 0, full, partial, true, true, true, true, false, true, "2024-08-01", reform, 9},
	{"1.002255.000.00.00.H50", "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", "Đất đai", dist, 30, 0, partial, partial, true, true, false, true, false, true, "2021-06-01", reform, 3},
	{"1.003010.000.00.00.H50", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", "Đất đai", dist, 15, 0, partial, none, false, true, false, false, false, true, "2021-06-01", reform, 1.5},
	{"1.009994.000.00.00.H50", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", dist, 15, 0, full, full, true, true, true, true, false, false, "2021-03-15", reform, 3},
	{"2.000720.000.00.00.H50", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, true, true, true, false, false, "2021-08-01", reform, 3},
	{"2.000575.000.00.00.H50", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", dist, 3, 0, full, full, true, true, true, true, false, false, "2021-08-01", reform, 1.5},
	{"1.001766.000.00.00.H50", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", dist, 15, 0, partial, partial, true, true, false, true, false, false, "2020-10-01", reform, 0.1},
	{"2.000748.000.00.00.H50", "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc", "Hộ tịch", dist, 3, 0, full, full, true, true, true, true, false, false, "2020-10-01", reform, 0.6},
	{"2.000815.000.00.00.H50", "Chứng thực bản sao từ bản chính giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp", "Chứng thực", dist, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", reform, 2},
	{"1.001776.000.00.00.H50", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng", "Bảo trợ xã hội", dist, 10, 0, full, partial, true, false, false, true, false, true, "2021-07-01", reform, 1},
	{"1.001120.000.00.00.H50", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm", dist, 20, 0, full, full, true, true, true, true, false, false, "2021-01-15", reform, 0.5},
	// Commune level, the whole time.
	{"1.001193.000.00.00.H50", "Đăng ký khai sinh", "Hộ tịch", comm, 0, 0, full, full, true, false, false, true, true, true, "2020-10-01", "", 8},
	{"1.000894.000.00.00.H50", "Đăng ký kết hôn", "Hộ tịch", comm, 0, 0, full, full, true, false, false, false, false, false, "2020-10-01", "", 2},
	{"1.000656.000.00.00.H50", "Đăng ký khai tử", "Hộ tịch", comm, 0, 0, full, full, true, false, false, true, true, true, "2020-10-01", "", 2},
	{"1.004873.000.00.00.H50", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", comm, 3, 0, full, full, true, true, true, true, false, false, "2020-10-01", "", 6},
	{"1.001022.000.00.00.H50", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", comm, 0, 4, full, full, true, true, true, true, false, false, "2020-10-01", "", 5},
	{"2.000908.000.00.00.H50", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp", "Chứng thực", comm, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 10},
	{"2.001035.000.00.00.H50", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", comm, 0, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 3},
	{"2.001019.000.00.00.H50", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", "Chứng thực", comm, 2, 0, partial, none, false, true, false, false, false, false, "2020-10-01", "", 1.5},
	{"2.000286.000.00.00.H50", "Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí mai táng", "Bảo trợ xã hội", comm, 2, 0, partial, partial, true, false, false, false, false, true, "2021-07-01", "", 0.3},
	{"1.010815.000.00.00.H50", "Giải quyết chế độ mai táng phí đối với người có công với cách mạng", "Người có công", comm, 5, 0, partial, partial, true, false, false, false, false, true, "2021-07-01", "", 0.2},
	{"1.003554.000.00.00.H50", "Hòa giải tranh chấp đất đai", "Đất đai", comm, 45, 0, partial, none, false, false, false, false, false, false, "2021-06-01", "", 0.2},
	{"1.000748.000.00.00.H50", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", "Thi đua, khen thưởng", comm, 10, 0, partial, partial, true, false, false, false, false, false, "2024-03-15", "", 0.1},
	// Commune level from the reform: the former districts' work, under new codes.
	{"1.013001.000.00.00.H50", "Đăng ký biến động đất đai, tài sản gắn liền với đất (cấp xã)", "Đất đai", comm, 10, 0, full, partial, true, true, true, true, false, true, reform, "", 9},
	{"1.013002.000.00.00.H50", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu (cấp xã)", "Đất đai", comm, 20, 0, partial, partial, true, true, false, true, false, true, reform, "", 3},
	{"1.013003.000.00.00.H50", "Cấp giấy phép xây dựng nhà ở riêng lẻ (cấp xã)", "Xây dựng", comm, 15, 0, full, full, true, true, true, true, false, false, reform, "", 3},
	{"2.013004.000.00.00.H50", "Đăng ký thành lập hộ kinh doanh (cấp xã)", "Thành lập và hoạt động của hộ kinh doanh", comm, 3, 0, full, full, true, true, true, true, false, false, reform, "", 3},
	{"2.013005.000.00.00.H50", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh (cấp xã)", "Thành lập và hoạt động của hộ kinh doanh", comm, 3, 0, full, full, true, true, true, true, false, false, reform, "", 1.5},
	{"1.013006.000.00.00.H50", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng (cấp xã)", "Bảo trợ xã hội", comm, 7, 0, full, partial, true, false, false, true, false, true, reform, "", 1},
	{"2.013007.000.00.00.H50", "Thay đổi, cải chính, bổ sung thông tin hộ tịch (cấp xã)", "Hộ tịch", comm, 3, 0, full, full, true, true, true, true, false, false, reform, "", 0.6},
}

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
		"Ngô", "Dương", "Lý", "Thạch", "Lâm", "Trương", "Châu", "Sơn", "Kim", "Danh", "Mai", "Tô", "Quách", "Triệu", "Đoàn"}
	familyWeights = []float64{38, 11, 9.5, 7, 5, 5, 4.5, 4, 3, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 1.2, 1, 1, 1, 0.8, 0.8, 0.6, 0.5, 0.4, 0.3, 0.3, 0.4}
	middleNames   = []string{"Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Hoàng", "Thị Thu", "Đức", "Kim", "Gia", "Thị Ngọc",
		"Công", "Xuân", "Bảo", "Thị Mỹ", "Trọng", "Phước", "Tấn"}
	givenNames = []string{"An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khoa", "Lan", "Linh", "Long",
		"Mai", "Minh", "Nam", "Ngân", "Nhung", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Vy",
		"Yến", "Đạt", "Khánh", "Duyên", "Giang", "Huy", "Kiệt", "Lộc", "Nghĩa", "Oanh", "Quyên", "Tài", "Thịnh", "Tiến", "Trí",
		"Uyên", "Vinh", "Xuân", "Ý", "Đông", "Hằng"}
	streets = []string{"đường Trần Hưng Đạo", "đường Lê Lợi", "đường Hai Bà Trưng", "đường Nguyễn Huệ", "đường Phạm Hùng",
		"đường Lê Duẩn", "đường Hùng Vương", "đường Nguyễn Trãi", "đường Lý Thường Kiệt", "Quốc lộ 1A", "Đường tỉnh 932", "đường Mạc Đĩnh Chi"}
)
