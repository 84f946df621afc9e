package ui

import "testing"

func TestDarkBackgroundFromCOLORFGBG(t *testing.T) {
	for in, want := range map[string]bool{
		"": true, "15;0": true, "0;15": false, "0;7": false, "7;default;0": true,
		"12;8": true, "0;default;11": false, "garbage": true,
	} {
		if got := darkBackground(in); got != want {
			t.Errorf("darkBackground(%q) = %v, want %v", in, got, want)
		}
	}
}
