/* text.c: six-bit ASCII (ITU-R M.1371-5 table 47) and the legends gpsd prints
 * beside coded fields, so `*_text` values match gpsdecode's word for word. */
#include "ais/text.h"

#include "common/bits.h"

static const char sixbit_ascii[64] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

size_t ais_text(const uint8_t *bits, unsigned nbits, unsigned start, unsigned nchars, char *out)
{
    /* Only whole characters before nbits are read. */
    unsigned fit = start < nbits ? (nbits - start) / 6 : 0;
    if (nchars > fit)
        nchars = fit;
    /* Eight characters (48 bits, at any bit offset: 7 + 48 <= 64) per
     * 8-byte load while that load stays inside the (nbits + 7) / 8 bytes
     * the caller owns; one at a time through bits_u near the end. */
    const unsigned nbytes = (nbits + 7) / 8;
    size_t n = 0;
    unsigned i = 0;
    while (i < nchars) {
        unsigned b = start + 6 * i;
        if ((b >> 3) + 8 <= nbytes) {
            uint64_t w = bits_load_be64(bits + (b >> 3)) << (b & 7);
            unsigned k = nchars - i < 8 ? nchars - i : 8;
            for (unsigned j = 0; j < k; j++, w <<= 6) {
                char c = sixbit_ascii[w >> 58];
                if (c == '@')
                    goto trim;
                out[n++] = c;
            }
            i += k;
        } else {
            char c = sixbit_ascii[bits_u(bits, b, 6)];
            if (c == '@')
                break;
            out[n++] = c;
            i++;
        }
    }
trim:
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    return n;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *ais_nav_status_text(unsigned v)
{
    static const char *const t[] = {
        "Under way using engine", "At anchor", "Not under command", "Restricted manoeuverability",
        "Constrained by her draught", "Moored", "Aground", "Engaged in fishing", "Under way sailing",
        "Reserved for HSC", "Reserved for WIG",
        /* ITU-R M.1371-5 table 50; gpsd 3.22 still says "Reserved" for
         * 11, 12 and 14 (docs/ais-differences.md). */
        "Power-driven vessel towing astern", "Power-driven vessel pushing ahead or towing alongside",
        "Reserved", "AIS-SART active (MOB-AIS, EPIRB-AIS)", "Not defined"};
    return v < NELEM(t) ? t[v] : "INVALID STATUS";
}

/* gpsd's legends for the categories with sub-types: the category, then what
 * the second digit says (table 53). WIG x9 and 99 differ from the others, as
 * in gpsd. */
#define SUB9(c)                                                                                               \
    c " - all ships of this type", c " - Hazardous category A", c " - Hazardous category B",                  \
        c " - Hazardous category C", c " - Hazardous category D", c " - Reserved for future use",               \
        c " - Reserved for future use", c " - Reserved for future use", c " - Reserved for future use"

const char *ais_ship_type_text(unsigned v)
{
    static const char *const misc3[] = {"Fishing", "Towing", "Towing: length exceeds 200m or breadth exceeds 25m",
                                        "Dredging or underwater ops", "Diving ops", "Military ops", "Sailing",
                                        "Pleasure Craft", "Reserved", "Reserved"};
    static const char *const misc5[] = {"Pilot Vessel", "Search and Rescue vessel", "Tug", "Port Tender",
                                        "Anti-pollution equipment", "Law Enforcement", "Spare - Local Vessel",
                                        "Spare - Local Vessel", "Medical Transport",
                                        "Ship according to RR Resolution No. 18"};
    /* Decades 2, 4, 6, 7, 8, 9 (3x and 5x are misc3 and misc5). */
    static const signed char row[10] = {-1, -1, 0, -1, 1, -1, 2, 3, 4, 5};
    static const char *const typed[6][10] = {
        {SUB9("Wing in ground (WIG)"), "Wing in ground (WIG) - Reserved for future use"},
        {SUB9("High speed craft (HSC)"), "High speed craft (HSC) - No additional information"},
        {SUB9("Passenger"), "Passenger - No additional information"},
        {SUB9("Cargo"), "Cargo - No additional information"},
        {SUB9("Tanker"), "Tanker - No additional information"},
        {SUB9("Other Type"), "Other Type - no additional information"},
    };
    if (v == 0)
        return "Not available";
    if (v >= 100)
        return "INVALID SHIP TYPE";
    if (v < 20)
        return "Reserved for future use";
    if (v / 10 == 3)
        return misc3[v % 10];
    if (v / 10 == 5)
        return misc5[v % 10];
    return typed[row[v / 10]][v % 10];
}
#undef SUB9

const char *ais_epfd_text(unsigned v)
{
    static const char *const t[] = {"Undefined", "GPS", "GLONASS", "Combined GPS/GLONASS", "Loran-C",
                                    "Chayka", "Integrated navigation system", "Surveyed", "Galileo"};
    return v < NELEM(t) ? t[v] : "INVALID EPFD";
}

const char *ais_aid_type_text(unsigned v)
{
    static const char *const t[] = {
        "Unspecified", "Reference point", "RACON", "Fixed offshore structure", "Spare, Reserved for future use.",
        "Light, without sectors", "Light, with sectors", "Leading Light Front", "Leading Light Rear",
        "Beacon, Cardinal N", "Beacon, Cardinal E", "Beacon, Cardinal S", "Beacon, Cardinal W",
        "Beacon, Port hand", "Beacon, Starboard hand", "Beacon, Preferred Channel port hand",
        "Beacon, Preferred Channel starboard hand", "Beacon, Isolated danger", "Beacon, Safe water",
        "Beacon, Special mark", "Cardinal Mark N", "Cardinal Mark E", "Cardinal Mark S", "Cardinal Mark W",
        "Port hand Mark", "Starboard hand Mark", "Preferred Channel Port hand",
        "Preferred Channel Starboard hand", "Isolated danger", "Safe Water", "Special Mark",
        "Light Vessel / LANBY / Rigs"};
    return v < NELEM(t) ? t[v] : "INVALID NAVAID TYPE";
}

const char *ais_station_type_text(unsigned v)
{
    static const char *const t[] = {"All types of mobiles", "Reserved for future use",
                                    "All types of Class B mobile stations", "SAR airborne mobile station",
                                    "Aid to Navigation station", "Class B shipborne mobile station",
                                    "Regional use and inland waterways", "Regional use and inland waterways",
                                    "Regional use and inland waterways", "Regional use and inland waterways",
                                    "Reserved for future use", "Reserved for future use",
                                    "Reserved for future use", "Reserved for future use",
                                    "Reserved for future use", "Reserved for future use"};
    return v < NELEM(t) ? t[v] : "INVALID STATION TYPE";
}

const char *ais_eri_ship_type_text(unsigned v)
{
    static const struct {
        unsigned short code;
        const char *text;
    } t[] = {
        {8000, "Vessel, type unknown"}, {8010, "Motor freighter"}, {8020, "Motor tanker"},
        {8021, "Motor tanker, liquid cargo, type N"}, {8022, "Motor tanker, liquid cargo, type C"},
        {8023, "Motor tanker, dry cargo as if liquid (e.g. cement)"}, {8030, "Container vessel"},
        {8040, "Gas tanker"}, {8050, "Motor freighter, tug"}, {8060, "Motor tanker, tug"},
        {8070, "Motor freighter with one or more ships alongside"}, {8080, "Motor freighter with tanker"},
        {8090, "Motor freighter pushing one or more freighters"},
        {8100, "Motor freighter pushing at least one tank-ship"}, {8110, "Tug, freighter"},
        {8120, "Tug, tanker"}, {8130, "Tug freighter, coupled"}, {8140, "Tug, freighter/tanker, coupled"},
        {8150, "Freightbarge"}, {8160, "Tankbarge"}, {8161, "Tankbarge, liquid cargo, type N"},
        {8162, "Tankbarge, liquid cargo, type C"}, {8163, "Tankbarge, dry cargo as if liquid (e.g. cement)"},
        {8170, "Freightbarge with containers"}, {8180, "Tankbarge, gas"}, {8210, "Pushtow, one cargo barge"},
        {8220, "Pushtow, two cargo barges"}, {8230, "Pushtow, three cargo barges"},
        {8240, "Pushtow, four cargo barges"}, {8250, "Pushtow, five cargo barges"},
        {8260, "Pushtow, six cargo barges"}, {8270, "Pushtow, seven cargo barges"},
        {8280, "Pushtow, eigth cargo barges"}, {8290, "Pushtow, nine or more barges"},
        {8310, "Pushtow, one tank/gas barge"}, {8320, "Pushtow, two barges at least one tanker or gas barge"},
        {8330, "Pushtow, three barges at least one tanker or gas barge"},
        {8340, "Pushtow, four barges at least one tanker or gas barge"},
        {8350, "Pushtow, five barges at least one tanker or gas barge"},
        {8360, "Pushtow, six barges at least one tanker or gas barge"},
        {8370, "Pushtow, seven barges at least one tanker or gas barg"},
    };
    for (size_t i = 0; i < NELEM(t); i++)
        if (t[i].code == v)
            return t[i].text;
    return "Illegal ship type value.";
}
