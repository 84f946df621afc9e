package ui

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// awsProfile is one profile of the AWS shared config and credentials files,
// as the profile switcher lists it.
type awsProfile struct {
	name   string
	region string
	// inConfig and inCredentials say which file names the profile.
	inConfig, inCredentials bool
	// sso says the profile signs in through IAM Identity Center, so an
	// operator knows `aws sso login` is what refreshes it.
	sso bool
}

func (p awsProfile) source() string {
	var s []string
	if p.inConfig {
		s = append(s, "config")
	}
	if p.inCredentials {
		s = append(s, "credentials")
	}
	if p.sso {
		s = append(s, "sso")
	}
	return strings.Join(s, ", ")
}

// awsFiles returns the shared config and credentials file paths the way the
// AWS CLI and SDKs find them: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
func awsFiles(getenv func(string) string) (config, credentials string) {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	config, credentials = getenv("AWS_CONFIG_FILE"), getenv("AWS_SHARED_CREDENTIALS_FILE")
	if config == "" {
		config = filepath.Join(home, ".aws", "config")
	}
	if credentials == "" {
		credentials = filepath.Join(home, ".aws", "credentials")
	}
	return config, credentials
}

// readAWSProfiles lists the profiles of both files, "default" first and
// the rest by name. A missing file is an empty one, as for the AWS CLI.
// The credentials file is read only for section names and regions: its keys
// are never kept.
func readAWSProfiles(getenv func(string) string) ([]awsProfile, error) {
	configPath, credPath := awsFiles(getenv)
	byName := map[string]*awsProfile{}
	get := func(name string) *awsProfile {
		p, ok := byName[name]
		if !ok {
			p = &awsProfile{name: name}
			byName[name] = p
		}
		return p
	}
	err := readINI(configPath, func(section, key, value string) {
		name, ok := configProfileName(section)
		if !ok {
			return
		}
		p := get(name)
		p.inConfig = true
		switch key {
		case "region":
			p.region = value
		case "sso_session", "sso_start_url":
			p.sso = true
		}
	})
	if err != nil {
		return nil, err
	}
	err = readINI(credPath, func(section, key, value string) {
		p := get(section)
		p.inCredentials = true
		// The credentials file may set a region too; the config file's
		// wins, as in the SDKs.
		if key == "region" && p.region == "" {
			p.region = value
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]awsProfile, 0, len(byName))
	for _, p := range byName {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].name == "default") != (out[j].name == "default") {
			return out[i].name == "default"
		}
		return out[i].name < out[j].name
	})
	return out, nil
}

// configProfileName maps a config file section to a profile: [default]
// and [profile NAME]; [sso-session …] and [services …] are not profiles.
func configProfileName(section string) (string, bool) {
	if section == "default" {
		return section, true
	}
	if name, ok := strings.CutPrefix(section, "profile "); ok {
		name = strings.TrimSpace(name)
		return name, name != ""
	}
	return "", false
}

// readINI calls fn for every key of every section of the file (and once
// with an empty key for a section with none, so it is still listed). It
// reads the subset of INI the AWS files use: [section], key = value,
// comments starting with # or ;, and indented continuation lines, which
// belong to nested settings and are skipped.
func readINI(path string, fn func(section, key, value string)) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading AWS profiles: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	section := ""
	for sc.Scan() {
		raw := sc.Text()
		l := strings.TrimSpace(raw)
		if l == "" || l[0] == '#' || l[0] == ';' {
			continue
		}
		if l[0] == '[' {
			if end := strings.IndexByte(l, ']'); end > 0 {
				section = strings.TrimSpace(l[1:end])
				fn(section, "", "")
			}
			continue
		}
		if section == "" || raw[0] == ' ' || raw[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		fn(section, strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading AWS profiles from %s: %w", path, err)
	}
	return nil
}

// awsRegions are the commercial regions offered in the switcher; any other
// region can be typed.
var awsRegions = [][2]string{
	{"us-east-1", "US East (N. Virginia)"},
	{"us-east-2", "US East (Ohio)"},
	{"us-west-1", "US West (N. California)"},
	{"us-west-2", "US West (Oregon)"},
	{"af-south-1", "Africa (Cape Town)"},
	{"ap-east-1", "Asia Pacific (Hong Kong)"},
	{"ap-south-1", "Asia Pacific (Mumbai)"},
	{"ap-south-2", "Asia Pacific (Hyderabad)"},
	{"ap-southeast-1", "Asia Pacific (Singapore)"},
	{"ap-southeast-2", "Asia Pacific (Sydney)"},
	{"ap-southeast-3", "Asia Pacific (Jakarta)"},
	{"ap-southeast-4", "Asia Pacific (Melbourne)"},
	{"ap-northeast-1", "Asia Pacific (Tokyo)"},
	{"ap-northeast-2", "Asia Pacific (Seoul)"},
	{"ap-northeast-3", "Asia Pacific (Osaka)"},
	{"ca-central-1", "Canada (Central)"},
	{"ca-west-1", "Canada West (Calgary)"},
	{"eu-central-1", "Europe (Frankfurt)"},
	{"eu-central-2", "Europe (Zurich)"},
	{"eu-west-1", "Europe (Ireland)"},
	{"eu-west-2", "Europe (London)"},
	{"eu-west-3", "Europe (Paris)"},
	{"eu-south-1", "Europe (Milan)"},
	{"eu-south-2", "Europe (Spain)"},
	{"eu-north-1", "Europe (Stockholm)"},
	{"il-central-1", "Israel (Tel Aviv)"},
	{"me-south-1", "Middle East (Bahrain)"},
	{"me-central-1", "Middle East (UAE)"},
	{"mx-central-1", "Mexico (Central)"},
	{"sa-east-1", "South America (São Paulo)"},
}

// validRegion accepts what looks like a region name (partition prefixes
// such as us-gov- and cn- included), so a typo is caught before the
// backend is reopened with it.
func validRegion(r string) bool {
	parts := strings.Split(r, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range p {
			digit := c >= '0' && c <= '9'
			if i == len(parts)-1 && !digit || i < len(parts)-1 && !(c >= 'a' && c <= 'z') {
				return false
			}
		}
	}
	return true
}
