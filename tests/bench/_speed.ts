import { loadCorpus } from './estimator';
import { estimateTokens } from '../../utils/parsers/estimate';
const all=[...loadCorpus().values()].flat();
const bytes=all.reduce((a,s)=>a+Buffer.byteLength(s),0);
let sink=0;
for(let i=0;i<50;i++) for(const s of all) sink+=estimateTokens(s);
const res:number[]=[];
for(let k=0;k<9;k++){const c0=process.cpuUsage();for(let i=0;i<30;i++) for(const s of all) sink+=estimateTokens(s);const cpu=process.cpuUsage(c0);res.push(bytes*30/1e6/((cpu.user+cpu.system)/1e6));}
res.sort((a,b)=>a-b);
console.log('median MB/s cpu', res[4]!.toFixed(1), sink>0);
