# aisdemod_cmp.py TRUTH NMEA: the simulator's burst truth against the sentences
# atalaya decoded; prints counts, exits 1 unless every clean burst was
# decoded exactly once and nothing else was (or, with --min-yield F, at
# least that fraction of clean bursts and still nothing false).
import json,sys,re
truth=[json.loads(l) for l in open(sys.argv[1])]
got={}
parts={}
for l in open(sys.argv[2]):
    m=re.search(r'!AIVDM,(\d),(\d),(\d?),([AB]?),([^,]*),',l)
    if not m: continue
    tot,num=int(m.group(1)),int(m.group(2))
    key=(m.group(3),m.group(4))
    if tot==1: pl=m.group(5)
    else:
        parts.setdefault(key,[]).append(m.group(5))
        if num<tot: continue
        pl=''.join(parts.pop(key))
    got.setdefault((m.group(4),pl),0); got[(m.group(4),pl)]+=1
good=[t for t in truth if not t['collided']]
hit=sum(1 for t in good if (t['channel'],t['payload']) in got)
tp={(t['channel'],t['payload']) for t in truth}
false=sum(c for k,c in got.items() if k not in tp)
dup=sum(c-1 for k,c in got.items() if c>1)
print("bursts %d clean %d decoded_clean %d collided_decoded %d false %d dup %d"%(len(truth),len(good),hit,sum(1 for t in truth if t['collided'] and (t['channel'],t['payload']) in got),false,dup))
min_yield = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == '--min-yield' else 1.0
ok = false == 0 and dup == 0 and hit >= min_yield * len(good) and len(good) > 0
sys.exit(0 if ok else 1)
