package domain

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// CalendarKind says where a year's calendar comes from, and so how sure it is.
type CalendarKind string

// The kinds of calendar year.
const (
	// CalendarAnnounced is a year as the government announced it, shipped with the service.
	CalendarAnnounced CalendarKind = "announced"
	// CalendarStatutory is a year computed from the Labour Code alone (StatutoryYear): the days
	// the law fixes are right, the swaps the government may still announce are missing.
	CalendarStatutory CalendarKind = "statutory"
	// CalendarCustom is a year entered by an administrator.
	CalendarCustom CalendarKind = "custom"
)

// Provisional reports whether a year of this kind may still change when the government
// announces it.
func (k CalendarKind) Provisional() bool { return k == CalendarStatutory }

// StatutorySource names what StatutoryYear applies.
const StatutorySource = "Bộ luật Lao động 2019 (45/2019/QH14) điều 112 (tính theo luật, chưa có lịch công bố; âm lịch Việt Nam tính theo múi giờ UTC+7): " +
	"Tết Dương lịch 01/01; Tết Âm lịch 5 ngày (ngày cuối năm cũ và 4 ngày đầu năm mới); Giỗ Tổ Hùng Vương 10/3 âm lịch; " +
	"30/4; 01/5; Quốc khánh 02/9 và 01/9; nghỉ bù vào ngày làm việc kế tiếp khi ngày lễ trùng ngày nghỉ hằng tuần (khoản 3). " +
	"Chỉ liệt kê ngày nghỉ rơi vào thứ Hai – thứ Sáu."

// StatutoryHoliday is one day off that the Labour Code 2019 art. 112 fixes.
type StatutoryHoliday struct {
	Date Date
	Name string
}

// StatutoryHolidays returns, in order, the days off that art. 112.1 of the Labour Code 2019
// fixes for Gregorian year y, weekend or not. Where the law leaves a choice, it takes what
// the government's yearly announcements have usually taken:
//   - Tết (art. 112.1.b, five days): the last day of the old lunar year and the first four of
//     the new — the first of the options the yearly notices give employers ("01 ngày cuối
//     năm và 04 ngày đầu năm âm lịch", or two and three), and the five days of the 2026
//     announcement (29 tháng Chạp to mùng 4, 16–20/2). Where an announcement took an earlier
//     day instead of a day in lieu (2024, 2025), the move is listed as that year's swap in
//     the test that compares the announced years with this rule;
//   - National Day (art. 112.1.đ, 2/9 and one day before or after): 1/9, as the announcements
//     for 2025 and 2026 chose.
func StatutoryHolidays(y int) []StatutoryHoliday {
	tet := LunarNewYear(y)
	out := []StatutoryHoliday{{Date{y, time.January, 1}, "Tết Dương lịch"}}
	out = append(out, StatutoryHoliday{tet.AddDays(-1), "Tết Âm lịch (ngày cuối năm cũ)"})
	for i := 0; i < 4; i++ {
		out = append(out, StatutoryHoliday{tet.AddDays(i), fmt.Sprintf("Tết Âm lịch (mùng %d)", i+1)})
	}
	if hung, ok := SolarOf(LunarDate{Year: y, Month: 3, Day: 10}); ok {
		out = append(out, StatutoryHoliday{hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"})
	}
	out = append(out,
		StatutoryHoliday{Date{y, time.April, 30}, "Ngày Chiến thắng"},
		StatutoryHoliday{Date{y, time.May, 1}, "Ngày Quốc tế lao động"},
		StatutoryHoliday{Date{y, time.September, 1}, "Quốc khánh (ngày liền kề)"},
		StatutoryHoliday{Date{y, time.September, 2}, "Quốc khánh"},
	)
	slices.SortStableFunc(out, func(a, b StatutoryHoliday) int { return a.Date.Compare(b.Date) })
	return out
}

// StatutoryYear returns the year's calendar as the Labour Code 2019 alone gives it: the days
// of StatutoryHolidays that fall on Monday to Friday, and for each that falls on a Saturday or
// Sunday (the weekly rest days of public offices) a day off in lieu on the next working day
// (art. 112.3) — the next Monday to Friday that is not already off. Only weekdays are listed,
// as in the announced years; there are no compensatory working days. Kind is
// CalendarStatutory.
func StatutoryYear(y int) CalendarYear {
	days := StatutoryHolidays(y)
	off := make(map[Date]bool, len(days)+4)
	for _, h := range days {
		off[h.Date] = true
	}
	out := CalendarYear{Year: y, Holidays: []Date{}, ExtraWorkdays: []Date{}, Source: StatutorySource, Kind: CalendarStatutory}
	for _, h := range days {
		if !isWeekend(h.Date) {
			out.Holidays = append(out.Holidays, h.Date)
			continue
		}
		next := h.Date.AddDays(1)
		for isWeekend(next) || off[next] {
			next = next.AddDays(1)
		}
		off[next] = true
		if next.Year == y {
			out.Holidays = append(out.Holidays, next)
		}
	}
	slices.SortFunc(out.Holidays, Date.Compare)
	return out
}

// isWeekend reports whether d is a Saturday or a Sunday.
func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// statutoryCache keeps each year's statutory days off once computed: year → map[Date]bool.
var statutoryCache sync.Map

// statutoryDaysOff returns the weekdays off of StatutoryYear(y), computed once per year.
func statutoryDaysOff(y int) map[Date]bool {
	if m, ok := statutoryCache.Load(y); ok {
		return m.(map[Date]bool)
	}
	sy := StatutoryYear(y)
	m := make(map[Date]bool, len(sy.Holidays))
	for _, d := range sy.Holidays {
		m[d] = true
	}
	v, _ := statutoryCache.LoadOrStore(y, m)
	return v.(map[Date]bool)
}
