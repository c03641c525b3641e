package domain

import (
	"math"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed as Hồ Ngọc Đức describes it in "Thuật
// toán tính âm lịch" (https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html): a
// month starts on the day of a new moon; month 11 is the month that holds the winter
// solstice; a lunar year with 13 months repeats (as a leap month) the first month after
// month 11 that holds no major solar term (sun longitude a multiple of 30°). Days are counted
// at the meridian of UTC+7, Vietnam's time since 1967 — which is why Tết sometimes falls on a
// different day than in China (UTC+8): 21/1/1985 against 20/2/1985, 17/2/2007 against 18/2.
// New moons and the sun's longitude follow Jean Meeus, "Astronomical Algorithms" (1998), to
// the precision of a day.

// LunarDate is a day of the Vietnamese lunar calendar.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool // the month is the year's leap month (tháng nhuận)
}

// lunarZone is the meridian the calendar is counted at: UTC+7.
const lunarZone = 7.0

// lunarSynodic is the mean length of a lunar month, in days.
const lunarSynodic = 29.530588853

// lunarJD0 is the Julian day of the new moon of 1 January 1900 (k = 0 in newMoon).
const lunarJD0 = 2415021.076998695

// julianDay returns the Julian day number of d (noon of that day).
func julianDay(d Date) int {
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() // a multiple of a day: exact division
	return int(midnight/86400) + 2440588                                       // 1970-01-01 is Julian day 2440588
}

// dateOfJulianDay returns the date of Julian day number jd.
func dateOfJulianDay(jd int) Date {
	return Date{1970, 1, 1}.AddDays(jd - 2440588)
}

// newMoon returns the Julian date (UT) of the k-th new moon after 1 January 1900.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3 := t*t, t*t*t
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// newMoonDay returns the Julian day number, at UTC+7, of the k-th new moon.
func newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + lunarZone/24))
}

// sunLongitude returns the sun's apparent longitude, in radians in [0, 2π), at Julian date jdn (UT).
func sunLongitude(jdn float64) float64 {
	t := (jdn - 2451545.0) / 36525
	t2 := t * t
	dr := math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// solarTerm returns which 30° sector (0..11) the sun is in at the start of day jd at UTC+7.
func solarTerm(jd int) int {
	return int(math.Floor(sunLongitude(float64(jd)-0.5-lunarZone/24) / math.Pi * 6))
}

// lunarMonth11 returns the Julian day number of the first day of month 11 (the month of the
// winter solstice) that begins in the Gregorian year y.
func lunarMonth11(y int) int {
	off := float64(julianDay(Date{y, 12, 31})) - 2415021
	k := int(math.Floor(off / lunarSynodic))
	nm := newMoonDay(k)
	if solarTerm(nm) >= 9 { // the sun is already past 270°: month 11 began a month earlier
		nm = newMoonDay(k - 1)
	}
	return nm
}

// leapMonthOffset returns, for a lunar year whose month 11 starts on day a11 and that holds
// 13 months, how many months after month 11 the leap month is: the first month that starts
// and ends in the same solar term.
func leapMonthOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-lunarJD0)/lunarSynodic + 0.5))
	i := 1
	arc := solarTerm(newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = solarTerm(newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// LunarOf returns the Vietnamese lunar date of d.
func LunarOf(d Date) LunarDate {
	day := julianDay(d)
	// The mean month places k near the new moon that starts d's month; the true new moon may
	// be a day or so off the mean one, so step until newMoonDay(k) <= d < newMoonDay(k+1).
	k := int(math.Floor((float64(day) - lunarJD0) / lunarSynodic))
	for newMoonDay(k+1) <= day {
		k++
	}
	for newMoonDay(k) > day {
		k--
	}
	monthStart := newMoonDay(k)
	a11 := lunarMonth11(d.Year)
	b11 := a11
	var year int
	if a11 >= monthStart {
		year = d.Year
		a11 = lunarMonth11(d.Year - 1)
	} else {
		year = d.Year + 1
		b11 = lunarMonth11(d.Year + 1)
	}
	out := LunarDate{Day: day - monthStart + 1}
	diff := (monthStart - a11) / 29
	out.Month = diff + 11
	if b11-a11 > 365 {
		leap := leapMonthOffset(a11)
		if diff >= leap {
			out.Month = diff + 10
			out.Leap = diff == leap
		}
	}
	if out.Month > 12 {
		out.Month -= 12
	}
	if out.Month >= 11 && diff < 4 {
		year--
	}
	out.Year = year
	return out
}

// SolarOf returns the Gregorian date of a Vietnamese lunar date, and false when the date does
// not exist (a leap month the year does not have, a month or day out of range).
func SolarOf(l LunarDate) (Date, bool) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, false
	}
	var a11, b11 int
	if l.Month < 11 {
		a11, b11 = lunarMonth11(l.Year-1), lunarMonth11(l.Year)
	} else {
		a11, b11 = lunarMonth11(l.Year), lunarMonth11(l.Year+1)
	}
	k := int(math.Floor(0.5 + (float64(a11)-lunarJD0)/lunarSynodic))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return Date{}, false
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return Date{}, false
	}
	start := newMoonDay(k + off)
	if l.Day > newMoonDay(k+off+1)-start {
		return Date{}, false
	}
	return dateOfJulianDay(start + l.Day - 1), true
}

// LunarNewYear returns the first day of the lunar year that begins in Gregorian year y: the
// day of Tết Nguyên đán.
func LunarNewYear(y int) Date {
	d, _ := SolarOf(LunarDate{Year: y, Month: 1, Day: 1})
	return d
}
