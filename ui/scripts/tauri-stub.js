// Development-only stand-in for the Tauri bridge, injected by scripts/screenshots.mjs
// into headless Chromium before the app loads. Never imported by the app: the shipped
// bundle talks to the real device core. Behaviour is chosen by window.__GRIDLINE_STUB__.
;(() => {
  const cfg = window.__GRIDLINE_STUB__ || {}
  const now = Date.now()
  const minutes = (n) => n * 60_000
  const hours = (n) => n * 3_600_000
  const photoUrl = (i) => (cfg.photoUrls && cfg.photoUrls[i % cfg.photoUrls.length]) || ''

  const session = {
    account: 'wgz0103',
    displayName: '李秀兰',
    server: 'http://127.0.0.1:8787',
    grid: {
      code: '410108003004001',
      name: '江山路街道 石佛社区 第一网格',
      district: { code: '410108', name: '惠济区' },
      township: { code: '410108003', name: '江山路街道' },
      community: { code: '410108003004', name: '石佛社区' },
    },
  }
  let loggedIn = cfg.loggedIn ?? true
  let sync = {
    pending: cfg.pending ?? 2,
    rejected: cfg.rejected ?? 0,
    lastSyncAtMs: cfg.neverSynced ? null : now - minutes(7),
    lastError: cfg.syncError ? { code: cfg.syncError, message: 'stub' } : null,
    syncing: false,
    clockOffsetMs: null,
    clockSuspect: false,
  }

  const reports = cfg.noReports
    ? []
    : [
        {
          id: 'r-0003',
          domain: 'illegal_construction',
          focusTag: 'urban_management',
          description: '石佛村东街 12 号院内正在加盖二层彩钢房，未见规划许可公示，施工噪音扰民。',
          status: 'reported',
          reportedAtMs: now - minutes(12),
          receivedAtMs: null,
          sync: 'pending',
          syncError: null,
          position: { lat: 34.86, lon: 113.6, accuracyM: 12, source: 'device' },
          photos: [{ sha256: 'a'.repeat(64), url: photoUrl(0) }],
        },
        {
          id: 'r-0002',
          domain: 'work_safety',
          focusTag: null,
          description: '沿街商铺门口堆放液化气罐 6 个，无防护措施。',
          status: 'accepted',
          reportedAtMs: now - hours(26),
          receivedAtMs: now - hours(25),
          sync: 'synced',
          syncError: null,
          position: null,
          photos: [],
        },
        {
          id: 'r-0001',
          domain: 'illegal_business',
          focusTag: 'illegal_fundraising',
          description:
            '有人在小区门口发传单，宣传高息理财，年化收益 30%，疑似非法集资，已劝离并留存传单照片。',
          status: 'reported',
          reportedAtMs: now - hours(50),
          receivedAtMs: null,
          sync: 'rejected',
          syncError: { code: 'description_too_long', message: 'stub' },
          position: null,
          photos: [{ sha256: 'b'.repeat(64), url: photoUrl(1) }],
        },
      ]

  const tasks = cfg.noTasks
    ? []
    : [
        {
          id: 't-9001',
          domain: 'public_service',
          description: '市民反映石佛社区 3 号楼前路灯连续一周不亮，夜间出行不便。',
          status: 'dispatched',
          source: 'hotline_12345',
          address: '石佛社区 3 号楼前',
          reportedAtMs: now - hours(80),
          deadlineAtMs: now - hours(5),
          position: null,
        },
        {
          id: 't-9002',
          domain: 'illegal_construction',
          description: '区平台派遣：核查江山路与天河路交叉口西北角私搭乱建。',
          status: 'handling',
          source: 'platform',
          address: null,
          reportedAtMs: now - hours(20),
          deadlineAtMs: now + hours(9),
          position: null,
        },
        {
          id: 't-9003',
          domain: 'petition_stability',
          description: '督查暗访发现：社区便民服务站工作时间无人值守。',
          status: 'supervised',
          source: 'supervisor',
          address: '石佛社区便民服务站',
          reportedAtMs: now - hours(3),
          deadlineAtMs: now + hours(75),
          position: null,
        },
      ]

  const delay = (ms, value) => new Promise((r) => setTimeout(() => r(value), ms))
  const fail = (code) => Promise.reject({ code, message: 'stub: ' + code })
  let photoCount = 0

  const handlers = {
    default_server: () => 'http://127.0.0.1:8787',
    current_session: () => (loggedIn ? session : null),
    login: (args) => {
      if (cfg.loginError) return delay(300, null).then(() => fail(cfg.loginError))
      if (cfg.loginHang) return new Promise(() => {})
      loggedIn = true
      return delay(200, { ...session, server: args.server })
    },
    logout: () => {
      loggedIn = false
    },
    home_summary: () =>
      cfg.homeError
        ? fail(cfg.homeError)
        : { session, residents: 1286, households: 452, enterprises: 37, openIssues: 5, sync },
    sync_state: () => sync,
    sync_now: () => {
      if (cfg.syncNowError) {
        sync = { ...sync, lastError: { code: cfg.syncNowError, message: 'stub' } }
        return delay(400, null).then(() => fail(cfg.syncNowError))
      }
      sync = { ...sync, pending: 0, lastSyncAtMs: Date.now(), lastError: null }
      return delay(400, { pushed: 2, rejected: 0, pulled: 3, sync })
    },
    import_photo: (body, options) => {
      window.__GRIDLINE_LAST_IMPORT__ = {
        isUint8Array: body instanceof Uint8Array,
        length: body && body.length,
        fileName: options && options.headers && options.headers['x-file-name'],
      }
      if (/\.heic$/i.test(decodeURIComponent(window.__GRIDLINE_LAST_IMPORT__.fileName || ''))) {
        return fail('photo_unsupported')
      }
      const i = photoCount++
      return {
        sha256: String(i).padStart(64, '0'),
        width: 4000,
        height: 3000,
        bytes: body.length,
        exifPosition: cfg.photoExif === false ? null : { lat: 34.858123, lon: 113.604455 },
        takenAt: '2025-11-28 10:12:00',
        url: photoUrl(i),
      }
    },
    create_report: (args) => {
      window.__GRIDLINE_CREATED__ = args
      sync = { ...sync, pending: sync.pending + 1 }
      return {
        id: 'r-new',
        ...args.report,
        status: 'reported',
        reportedAtMs: Date.now(),
        receivedAtMs: null,
        sync: 'pending',
        syncError: null,
        photos: [],
      }
    },
    my_reports: () => (cfg.reportsError ? fail(cfg.reportsError) : reports),
    grid_tasks: () =>
      cfg.tasksError ? fail(cfg.tasksError) : cfg.tasksHang ? new Promise(() => {}) : tasks,
  }

  window.__TAURI_INTERNALS__ = {
    invoke(cmd, args, options) {
      const handler = handlers[cmd]
      if (!handler) return fail('internal')
      try {
        return Promise.resolve(handler(args, options))
      } catch (e) {
        return Promise.reject(e)
      }
    },
    transformCallback: () => 0,
    unregisterCallback: () => {},
    convertFileSrc: (p) => p,
  }
})()
