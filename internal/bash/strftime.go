package bash

import (
	"fmt"
	"strings"
	"time"
)

// strftime formats a time as C's strftime does in the C locale, for
// printf's %(...)T.
func strftime(layout string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c != '%' || i+1 >= len(layout) {
			b.WriteByte(c)
			continue
		}
		i++
		// glibc's flags and width: -, _, 0, ^, # and digits.
		pad := byte(0)
		upper := false
		for i < len(layout) && strings.IndexByte("-_0^#", layout[i]) >= 0 {
			if layout[i] == '^' {
				upper = true
			} else {
				pad = layout[i]
			}
			i++
		}
		width := 0
		for i < len(layout) && layout[i] >= '0' && layout[i] <= '9' {
			width = width*10 + int(layout[i]-'0')
			i++
		}
		for i < len(layout) && (layout[i] == 'E' || layout[i] == 'O') {
			i++
		}
		if i >= len(layout) {
			b.WriteString(layout[strings.LastIndexByte(layout[:i], '%'):])
			break
		}
		text, numeric := strftimeField(layout[i], t)
		if upper {
			text = strings.ToUpper(text)
		}
		b.WriteString(padField(text, numeric, pad, width))
	}
	return b.String()
}

// padField applies a glibc flag and width to a field: numbers are padded
// with zeros (or spaces for _, nothing for -), words with spaces.
func padField(text string, numeric bool, pad byte, width int) string {
	if numeric && pad == '-' {
		trimmed := strings.TrimLeft(text, "0 ")
		if trimmed == "" {
			trimmed = "0"
		}
		return trimmed
	}
	if numeric && pad == '_' {
		trimmed := strings.TrimLeft(text, "0")
		if trimmed == "" {
			trimmed = "0"
		}
		text = strings.Repeat(" ", len(text)-len(trimmed)) + trimmed
	}
	if len(text) >= width {
		return text
	}
	fill := " "
	if numeric && pad != '_' || pad == '0' {
		fill = "0"
	}
	return strings.Repeat(fill, width-len(text)) + text
}

var (
	weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftimeField is one conversion, and whether it is a number.
func strftimeField(c byte, t time.Time) (string, bool) {
	year, week := t.ISOWeek()
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch c {
	case 'a':
		return weekdays[t.Weekday()][:3], false
	case 'A':
		return weekdays[t.Weekday()], false
	case 'b', 'h':
		return months[t.Month()-1][:3], false
	case 'B':
		return months[t.Month()-1], false
	case 'c':
		return strftime("%a %b %e %H:%M:%S %Y", t), false
	case 'C':
		return fmt.Sprintf("%02d", t.Year()/100), true
	case 'd':
		return fmt.Sprintf("%02d", t.Day()), true
	case 'D':
		return strftime("%m/%d/%y", t), false
	case 'e':
		return fmt.Sprintf("%2d", t.Day()), true
	case 'F':
		return strftime("%Y-%m-%d", t), false
	case 'g':
		return fmt.Sprintf("%02d", year%100), true
	case 'G':
		return fmt.Sprintf("%d", year), true
	case 'H':
		return fmt.Sprintf("%02d", t.Hour()), true
	case 'I':
		return fmt.Sprintf("%02d", hour12), true
	case 'j':
		return fmt.Sprintf("%03d", t.YearDay()), true
	case 'k':
		return fmt.Sprintf("%2d", t.Hour()), true
	case 'l':
		return fmt.Sprintf("%2d", hour12), true
	case 'm':
		return fmt.Sprintf("%02d", int(t.Month())), true
	case 'M':
		return fmt.Sprintf("%02d", t.Minute()), true
	case 'n':
		return "\n", false
	case 'p':
		if t.Hour() < 12 {
			return "AM", false
		}
		return "PM", false
	case 'P':
		if t.Hour() < 12 {
			return "am", false
		}
		return "pm", false
	case 'r':
		return strftime("%I:%M:%S %p", t), false
	case 'R':
		return strftime("%H:%M", t), false
	case 's':
		return fmt.Sprintf("%d", t.Unix()), true
	case 'S':
		return fmt.Sprintf("%02d", t.Second()), true
	case 't':
		return "\t", false
	case 'T':
		return strftime("%H:%M:%S", t), false
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return fmt.Sprintf("%d", wd), true
	case 'U':
		return fmt.Sprintf("%02d", (t.YearDay()+6-int(t.Weekday()))/7), true
	case 'V':
		return fmt.Sprintf("%02d", week), true
	case 'w':
		return fmt.Sprintf("%d", int(t.Weekday())), true
	case 'W':
		return fmt.Sprintf("%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7), true
	case 'x':
		return strftime("%m/%d/%y", t), false
	case 'X':
		return strftime("%H:%M:%S", t), false
	case 'y':
		return fmt.Sprintf("%02d", t.Year()%100), true
	case 'Y':
		return fmt.Sprintf("%d", t.Year()), true
	case 'z':
		_, offset := t.Zone()
		sign := '+'
		if offset < 0 {
			sign, offset = '-', -offset
		}
		return fmt.Sprintf("%c%02d%02d", sign, offset/3600, offset%3600/60), false
	case 'Z':
		name, _ := t.Zone()
		return name, false
	case '+':
		return strftime("%a %b %e %H:%M:%S %Z %Y", t), false
	case '%':
		return "%", false
	}
	return "%" + string(c), false
}
