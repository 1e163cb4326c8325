package qualysclient

import (
	"reflect"
	"testing"
)

func TestFormatIDs(t *testing.T) {
	for _, tc := range []struct {
		in   []int64
		want string
	}{
		{nil, ""},
		{[]int64{7}, "7"},
		{[]int64{12, 9, 1, 5, 10, 11}, "1,5,9-12"},
		{[]int64{3, 3, 4}, "3-4"},
		{[]int64{78187, 78783, 78784}, "78187,78783-78784"},
		{[]int64{5, 5, 5}, "5"},
	} {
		if got := FormatIDs(tc.in); got != tc.want {
			t.Errorf("FormatIDs(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseIDs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int64
	}{
		{"", nil},
		{"1,5,9-12", []int64{1, 5, 9, 10, 11, 12}},
		{" 12 , 1-2,2 ", []int64{1, 2, 12}},
		{"5-5", []int64{5}},
	} {
		got, err := ParseIDs(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseIDs(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"abc123", "0", "-3", "5-2", "1-", "1-x", "1-99999999999"} {
		if _, err := ParseIDs(bad); err == nil {
			t.Errorf("ParseIDs(%q): want an error", bad)
		}
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	in := []int64{1, 2, 3, 10, 12, 13, 100}
	got, err := ParseIDs(FormatIDs(in))
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("round trip = %v, %v", got, err)
	}
}
