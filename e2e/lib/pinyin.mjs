// Pinyin initials of the characters the demo district's names are made of,
// for the search test. Only characters with one reading are listed, so a
// name made of them has exactly one set of initials; other names are skipped.

const INITIALS = {
  b: '白保宝博斌',
  c: '陈程蔡崔常诚晨超春',
  d: '董邓丁杜戴段德东',
  f: '冯范方福凤芳飞',
  g: '高郭顾龚国刚贵',
  h: '黄胡何韩郝侯贺华红海花浩航豪皓昊涵',
  j: '蒋贾姜金江建军俊杰嘉家静洁佳娟',
  k: '孔康凯可',
  l: '李刘林罗梁吕卢廖陆龙雷黎赖立兰玲琳璐磊丽',
  m: '马毛孟明梅美敏鸣梦',
  n: '牛聂诺',
  p: '彭潘平萍鹏',
  q: '邱秦钱乔琴琪倩',
  r: '任然若',
  s: '孙宋沈苏史邵申生山素思诗帅',
  t: '唐田谭汤天桐婷涛彤',
  w: '王吴魏汪万武文卫',
  x: '徐谢许薛夏熊学新秀霞轩馨萱曦晓雪鑫欣',
  y: '杨袁姚尹易岳英玉燕宇一佑远阳怡雨瑶语嫣雅颖悦勇',
  z: '张赵周朱郑钟邹志振珍子梓哲泽紫',
}

const BY_CHAR = new Map(
  Object.entries(INITIALS).flatMap(([letter, chars]) => [...chars].map((c) => [c, letter])),
)

/** The initials of `name`, or null when one of its characters is not listed. */
export function initialsOf(name) {
  const letters = [...name].map((c) => BY_CHAR.get(c))
  return letters.every(Boolean) ? letters.join('') : null
}
