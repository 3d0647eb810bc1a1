// Package auth verifies AWS Signature Version 4 on incoming requests
// against a set of known access keys, and answers rejections in AWS's own
// shapes.
package auth

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// Key is one access key Epoxy accepts.
type Key struct {
	// Name identifies the caller in logs: the section name of the
	// credentials file.
	Name      string
	AccessKey string
	Secret    string
}

// Keys are the accepted keys by access key id.
type Keys map[string]Key

// LoadCredentials reads a file in the AWS shared-credentials format:
// "[name]" sections holding aws_access_key_id and aws_secret_access_key.
// Other keys in a section are ignored; a section without both is an error,
// and so is an access key id given twice.
func LoadCredentials(path string) (Keys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer f.Close()
	keys, err := parseCredentials(f)
	if err != nil {
		return nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	return keys, nil
}

// parseCredentials parses the shared-credentials format. The SDK's own INI
// parser is internal to aws-sdk-go-v2, and the format needed here (sections
// of key = value lines, # and ; comments) is small, so it is parsed here.
func parseCredentials(r io.Reader) (Keys, error) {
	sections := map[string]map[string]string{}
	var order []string
	var cur map[string]string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			name := strings.TrimSpace(line[1 : len(line)-1])
			if sections[name] == nil {
				sections[name] = map[string]string{}
				order = append(order, name)
			}
			cur = sections[name]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || cur == nil {
				return nil, fmt.Errorf("line %d: want [section] or key = value", n)
			}
			cur[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return keysOf(sections, order)
}

func keysOf(sections map[string]map[string]string, order []string) (Keys, error) {
	keys := Keys{}
	for _, name := range order {
		s := sections[name]
		k := Key{Name: name, AccessKey: s["aws_access_key_id"], Secret: s["aws_secret_access_key"]}
		if k.AccessKey == "" || k.Secret == "" {
			return nil, fmt.Errorf("section [%s] needs aws_access_key_id and aws_secret_access_key", name)
		}
		if prev, dup := keys[k.AccessKey]; dup {
			return nil, fmt.Errorf("sections [%s] and [%s] have the same aws_access_key_id", prev.Name, name)
		}
		keys[k.AccessKey] = k
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no credentials in the file")
	}
	return keys, nil
}

// ServiceKeyName names the key that job processes and blueprint generators
// use, in logs.
const ServiceKeyName = "epoxy-jobs"

// ServiceKey derives the key Epoxy gives its job processes and blueprint
// generators from secret (a key kept in the data directory): stable across
// restarts, so a job adopted by a restarted server still gets in, and never
// one of the configured keys.
func ServiceKey(secret []byte) Key {
	derive := func(label string) string {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("epoxy service key " + label))
		return hex.EncodeToString(m.Sum(nil))
	}
	return Key{Name: ServiceKeyName, AccessKey: "EPOXY" + strings.ToUpper(derive("id")[:15]), Secret: derive("secret")}
}
