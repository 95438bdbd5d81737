#!/usr/bin/env python3
"""Builds Repos/template/ (datapackage.json and codelists/) from the reference data in ../shared/data and
Debian's iso-codes. Run once when the reference data changes; the output is committed."""
import csv, gettext, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "template")
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
# The Turkish names of the countries, from the same package (Debian iso-codes' translations).
ISO_TR = "/usr/share/locale/tr/LC_MESSAGES/iso_3166-1.mo"
FOLD = str.maketrans({"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ü": "u", "Ü": "u",
                      "ö": "o", "Ö": "o", "ç": "c", "Ç": "c", "â": "a", "Â": "a", "î": "i", "û": "u"})
MARMARA = ["10", "11", "16", "17", "22", "34", "39", "41", "54", "59", "77"]


def slug(name):
    s = name.translate(FOLD).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in s).split())


def write(name, header, rows):
    with open(os.path.join(OUT, "codelists", name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    provinces = {r["plate"]: r for r in csv.DictReader(open(os.path.join(SHARED, "provinces.csv"), encoding="utf-8"))}
    src_d = "TÜİK MEDAS 2025 district list (ubeydeozdmr/turkiye-api datasets/2025/districts.json)"
    src_p = "TÜİK MEDAS 2025 province list; metropolitan flag per Law 6360"
    units = []
    for plate in MARMARA:
        p = provinces[plate]
        if p["is_metropolitan"] == "true":
            units.append([f"{plate}-{slug(p['name'])}-bb", f"{p['name']} Büyükşehir Belediyesi", plate, p["name"], "metropolitan", src_p])
    for r in csv.DictReader(open(os.path.join(SHARED, "districts_marmara.csv"), encoding="utf-8")):
        plate, district = r["province_plate"], r["district_name"]
        if district == "Merkez":
            units.append([f"{plate}-{slug(r['province_name'])}", f"{r['province_name']} Belediyesi", plate, r["province_name"], "provincial_centre", src_d])
        else:
            units.append([f"{plate}-{slug(district)}", f"{district} Belediyesi", plate, r["province_name"], "district", src_d])
    units.sort()
    assert len({u[0] for u in units}) == len(units), "duplicate org_unit codes"
    write("org_units.csv", ["code", "name", "province_plate", "province_name", "type", "source"], units)

    iso = json.load(open(ISO, encoding="utf-8"))["3166-1"]
    turkish = gettext.GNUTranslations(open(ISO_TR, "rb"))

    def label_tr(c):
        # The short name people use ("Suriye"), else the official one; iso-codes leaves a name that is the
        # same in Turkish (Pakistan, Yemen) untranslated.
        for msgid in [c.get("common_name"), c["name"]]:
            if msgid and turkish.gettext(msgid) != msgid:
                return turkish.gettext(msgid)
        return c.get("common_name", c["name"])

    nat = [[c["alpha_3"], c.get("common_name", c["name"]), label_tr(c), "ISO 3166-1 alpha-3 (Debian iso-codes)"] for c in iso]
    nat.sort()
    nat += [["STATELESS", "Stateless", "Vatansız", "gpmsync"], ["UNK", "Unknown", "Bilinmiyor", "gpmsync"],
            ["ALL", "All nationalities", "Tüm uyruklar", "gpmsync"]]
    write("nationalities.csv", ["code", "label_en", "label_tr", "source"], nat)

    write("legal_statuses.csv", ["code", "label_en", "label_tr"], [
        ["TP", "Temporary protection", "Geçici koruma"],
        ["IP_APPLICANT", "International protection applicant", "Uluslararası koruma başvuru sahibi"],
        ["IP_STATUS", "International protection status holder", "Uluslararası koruma statü sahibi"],
        ["RP_SHORT", "Short-term residence permit", "Kısa dönem ikamet izni"],
        ["RP_FAMILY", "Family residence permit", "Aile ikamet izni"],
        ["RP_STUDENT", "Student residence permit", "Öğrenci ikamet izni"],
        ["RP_LONG", "Long-term residence permit", "Uzun dönem ikamet izni"],
        ["RP_HUMANITARIAN", "Humanitarian residence permit", "İnsani ikamet izni"],
        ["RP_TRAFFICKING", "Residence permit for victims of human trafficking", "İnsan ticareti mağduru ikamet izni"],
        ["WORK_PERMIT", "Work permit", "Çalışma izni"],
        ["UNKNOWN", "Unknown", "Bilinmiyor"],
        ["ALL", "All legal statuses", "Tüm hukuki statüler"]])
    write("sexes.csv", ["code", "label_en", "label_tr"], [
        ["F", "Female", "Kadın"], ["M", "Male", "Erkek"], ["UNK", "Unknown", "Bilinmiyor"], ["ALL", "All", "Tümü"]])
    bands = ["0-4", "5-9", "10-14", "15-18", "19-24"] + [f"{a}-{a + 4}" for a in range(25, 75, 5)] + ["75+"]
    write("age_groups.csv", ["code", "label_en", "label_tr"],
          [[b, b, b] for b in bands] + [["UNK", "Unknown", "Bilinmiyor"], ["ALL", "All ages", "Tüm yaşlar"]])
    write("service_areas.csv", ["code", "label_en", "label_tr"], [
        ["education", "Education", "Eğitim"], ["language_course", "Language course", "Dil kursu"],
        ["vocational_training", "Vocational training", "Mesleki eğitim"],
        ["employment_support", "Employment support", "İstihdam desteği"],
        ["health_referral", "Health referral", "Sağlık yönlendirmesi"],
        ["psychosocial", "Psychosocial support", "Psikososyal destek"],
        ["legal_counselling", "Legal counselling", "Hukuki danışmanlık"],
        ["social_assistance_cash", "Social assistance (cash)", "Sosyal yardım (nakdi)"],
        ["social_assistance_in_kind", "Social assistance (in kind)", "Sosyal yardım (ayni)"],
        ["interpretation", "Interpretation", "Tercümanlık"],
        ["social_cohesion_activity", "Social cohesion activity", "Sosyal uyum faaliyeti"],
        ["other", "Other", "Diğer"], ["ALL", "All service areas", "Tüm hizmet alanları"]])
    write("sources.csv", ["code", "label_en", "label_tr"], [
        ["admin_register", "Administrative register", "İdari kayıt"], ["service_log", "Service log", "Hizmet kaydı"],
        ["survey", "Survey", "Anket"], ["estimate", "Estimate", "Tahmin"]])
    write("missing_reasons.csv", ["code", "label_en", "label_tr"], [
        ["not_collected", "Not collected", "Toplanmadı"], ["not_applicable", "Not applicable", "Uygulanamaz"],
        ["suppressed", "Suppressed (small cell)", "Gizlendi (küçük hücre)"]])
    write("themes.csv", ["code", "label_en", "label_tr"], [
        ["education", "Education", "Eğitim"], ["language", "Language", "Dil"], ["employment", "Employment", "İstihdam"],
        ["health", "Health", "Sağlık"], ["social_cohesion", "Social cohesion", "Sosyal uyum"],
        ["women", "Women", "Kadın"], ["children", "Children", "Çocuk"], ["youth", "Youth", "Gençlik"],
        ["housing", "Housing", "Barınma"], ["social_assistance", "Social assistance", "Sosyal yardım"],
        ["legal_aid", "Legal aid", "Hukuki destek"], ["data_governance", "Data and governance", "Veri ve yönetişim"],
        ["culture_sports", "Culture and sports", "Kültür ve spor"], ["psychosocial", "Psychosocial support", "Psikososyal destek"]])

    def codelist(name, fields):
        return {"name": name, "path": f"codelists/{name}.csv", "profile": "tabular-data-resource",
                "format": "csv", "encoding": "utf-8",
                "schema": {"fields": [{"name": f, "type": "string"} for f in fields], "primaryKey": ["code"]}}

    def fk(field, resource):
        return {"fields": field, "reference": {"resource": resource, "fields": "code"}}

    def dim(name, title):
        return {"name": name, "type": "string", "title": title, "constraints": {"required": True}}

    def measure(name, title, non_additive=()):
        f = {"name": name, "type": "integer", "title": title, "constraints": {"minimum": 0}}
        if non_additive:
            f["nonAdditiveOver"] = list(non_additive)
        return f

    common_tail = [{"name": "source", "type": "string", "title": "Source of the figure"},
                   {"name": "missing_reason", "type": "string", "title": "Why the value is empty"},
                   {"name": "comment", "type": "string", "title": "Free comment"}]
    tail_fks = [fk("source", "sources"), fk("missing_reason", "missing_reasons")]
    residents_fields = [dim("legal_status", "Legal status"), dim("nationality", "Nationality"), dim("sex", "Sex"),
                        dim("age_group", "Age group"), measure("count", "Number of people")] + common_tail
    services_fields = [dim("service_area", "Service area"), dim("legal_status", "Legal status"),
                       dim("nationality", "Nationality"), dim("sex", "Sex"), dim("age_group", "Age group"),
                       measure("unique_beneficiaries", "Unique beneficiaries", ["service_area"]),
                       dict(measure("service_contacts", "Service contacts"), notBelow="unique_beneficiaries")] + common_tail
    dims = lambda fields: [f["name"] for f in fields if f["type"] == "string" and f.get("constraints", {}).get("required")]

    def dataset(name, title, period, fields, fks):
        return {"name": name, "title": title, "profile": "tabular-data-resource",
                "data": [[f["name"] for f in fields]],
                "gpmsync": {"path": f"municipalities/{{org_unit}}/data/{name}/{{period}}.csv", "periodType": period,
                            "merge": "cell"},
                "schema": {"fields": fields, "missingValues": [""], "primaryKey": dims(fields),
                           "foreignKeys": fks + tail_fks}}

    package = {
        "name": "gpm-migration-records", "title": "GPM migration records of Marmara municipalities",
        "profile": "data-package", "version": "1.0.0",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "sources": [{"title": "TÜİK MEDAS 2025 districts and provinces"}, {"title": "ISO 3166-1 (Debian iso-codes)"}],
        "resources": [
            dataset("residents", "Migrants known to live in the municipality", "quarter", residents_fields,
                    [fk("legal_status", "legal_statuses"), fk("nationality", "nationalities"), fk("sex", "sexes"),
                     fk("age_group", "age_groups")]),
            dataset("services", "Services delivered to migrants", "month", services_fields,
                    [fk("service_area", "service_areas"), fk("legal_status", "legal_statuses"),
                     fk("nationality", "nationalities"), fk("sex", "sexes"), fk("age_group", "age_groups")]),
            codelist("org_units", ["code", "name", "province_plate", "province_name", "type", "source"]),
            codelist("nationalities", ["code", "label_en", "label_tr", "source"]),
        ] + [codelist(n, ["code", "label_en", "label_tr"]) for n in
             ["legal_statuses", "sexes", "age_groups", "service_areas", "sources", "missing_reasons", "themes"]],
    }
    with open(os.path.join(OUT, "datapackage.json"), "w", encoding="utf-8") as f:
        json.dump(package, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"{len(units)} org units, {len(nat)} nationalities")


main()


def embed():
    """Writes the template into the gpmsync binary as Swift string literals, so `central init` and `init`
    need no file beside the executable."""
    files = []
    for root, _, names in os.walk(OUT):
        for n in sorted(names):
            full = os.path.join(root, n)
            files.append((os.path.relpath(full, OUT), open(full, encoding="utf-8").read()))
    hooks = os.path.join(HERE, "..", "..", "Hooks")
    out = ["// Generated by Repos/tools/make_template.py from Repos/template and Hooks/. Do not edit.", "",
           "enum EmbeddedTemplate {", "    /// Files of a new central repository's first commit, by path.",
           "    static let files: [String: String] = ["]
    for path, text in sorted(files):
        out.append(f"        {json.dumps(path)}: #\"\"\"\n{text}\n\"\"\"#,")
    out.append("    ]")
    out.append("")
    out.append("    /// The git hooks gpmsync installs, by hook name.")
    out.append("    static let hooks: [String: String] = [")
    for name in ["pre-receive", "pre-commit"]:
        out.append(f"        {json.dumps(name)}: #\"\"\"\n{open(os.path.join(hooks, name)).read()}\n\"\"\"#,")
    out.append("    ]")
    out.append("}")
    dest = os.path.join(HERE, "..", "..", "Sources", "GPMSync", "Setup", "EmbeddedTemplate.swift")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    open(dest, "w", encoding="utf-8").write("\n".join(out) + "\n")


embed()
