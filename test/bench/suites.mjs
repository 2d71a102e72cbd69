// The bench suites. Each returns rows: { figure, value, unit, baseline, ratio, p99_ms, target }.
function ratioRow (figure, r, base, target) {
  return { figure, value: r.rps, unit: 'req/s', baseline: base.rps, ratio: +(r.rps / base.rps).toFixed(2), p99_ms: r.p99, errors: r.errors + r.non2xx, target }
}

export const suites = [
  {
    name: 'http',
    async run ({ baseline, service, duration, load }) {
      const base = await load(`${baseline.url}/hello`, { duration })
      const health = await load(`${service.url}/healthz`, { duration })
      const authed = await load(`${service.url}/ga/api/me`, { duration, headers: { authorization: `Bearer ${service.key}` } })
      return [
        { figure: 'bare fastify GET (baseline)', value: base.rps, unit: 'req/s', baseline: base.rps, ratio: 1, p99_ms: base.p99, errors: base.errors + base.non2xx, target: '' },
        ratioRow('GET /healthz', health, base, ''),
        ratioRow('authenticated GET /ga/api/me', authed, base, '')
      ]
    }
  }
]
