import { fieldsOf, STORED } from '@/utils/stored-data';

/** "What Tokenwise stores": every table and stored item, field by field, generated from the schemas. */
export function App() {
  return (
    <main className="options stored" data-testid="stored-page">
      <header className="options-header">
        <h1>What Tokenwise stores</h1>
        <p className="muted">
          Everything below is kept in this browser only, and nothing is ever sent anywhere. This page is generated from
          the same definitions the extension uses to check its data, so it lists exactly what can be stored.
        </p>
      </header>
      {STORED.map((thing) => (
        <section className="card" key={thing.name} aria-labelledby={`stored-${thing.name}`} data-testid="stored-thing">
          <h2 id={`stored-${thing.name}`}>
            {thing.name} <span className="muted place">· {thing.place}</span>
          </h2>
          <p>{thing.what}</p>
          {thing.schema && (
            <table className="fields">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Meaning</th>
                </tr>
              </thead>
              <tbody>
                {fieldsOf(thing.schema).map((f) => (
                  <tr key={f.name} data-testid="stored-field">
                    <th scope="row">
                      <code>{f.name}</code>
                      {f.optional && <span className="muted"> (optional)</span>}
                    </th>
                    <td>{f.type}</td>
                    <td>{f.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </main>
  );
}
