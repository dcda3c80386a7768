/**
 * Spanish cue lexicons and entity aliases. The groups carry the same names as the English ones
 * in cues.ts, so a shared model reads "exige" and "demands" as the same cue. Patterns run on
 * lower-cased text with accents removed (see {@link deaccent}): writers on social networks often
 * drop them, and a regex word boundary does not see accented letters as letters.
 */

/** á→a, é→e, ñ→n, …: one character for one, so offsets into the text do not move. */
export function deaccent(lower: string): string {
  return /[\u00e0-\u00fc]/.test(lower) ? lower.replace(/[\u00e0-\u00fc]/g, (c) => DEACCENT[c] ?? c) : lower;
}
const DEACCENT: Record<string, string> = { á: 'a', à: 'a', â: 'a', ä: 'a', ã: 'a', é: 'e', è: 'e', ê: 'e', ë: 'e', í: 'i', ì: 'i', î: 'i', ï: 'i', ó: 'o', ò: 'o', ô: 'o', ö: 'o', õ: 'o', ú: 'u', ù: 'u', û: 'u', ü: 'u', ñ: 'n', ç: 'c' };

export const CUE_WORDS_ES: Record<string, string[]> = {
  demand: ['exig\\w*', 'reclam\\w*', 'pid(?:e|en|io|ieron)', 'pedimos', 'insta(?:n|ron)?', 'instamos', 'debe(?:n|ria|rian)? (?:garantizar|respetar|regular|pagar|pedir)', 'llama(?:n|mos)? a', 'exhorta\\w*', 'urge(?:n)?', 'exigencia\\w*', 'demandan? (?:protecciones|garantias|regulacion)', 'no vamos a (?:permitir|aceptar)', 'queremos (?:garantias|reglas|protecciones)'],
  protection: ['proteccion(?:es)?', 'proteger\\w*', 'salvaguardas?', 'garantias?', 'consentimiento', 'compensaci\\w*', 'remuneraci\\w*', 'pago justo', 'regulaci\\w*', 'regular (?:el uso|la ia)', 'clausulas?', 'candados?'],
  threat: ['reempla[zc]\\w*', 'sustitu\\w*', 'despla[zc]\\w*', 'despid\\w*', 'recortes?', 'perder (?:su|sus|nuestro|nuestros|el) (?:trabajo|trabajos|empleo|empleos|fuente)', 'perdida de (?:empleos|trabajos|puestos)', 'puestos de trabajo', 'eliminar\\w*', 'quitar(?:nos|les)? el trabajo', 'dejar sin trabajo', 'sin (?:consentimiento|permiso|pago|autorizacion|credito|aviso)', 'nunca (?:nos )?(?:pidieron|preguntaron)', 'robo', 'robar\\w*', 'explota\\w*', 'precariza\\w*', 'amenaza\\w*', 'en riesgo', 'obsolet\\w*'],
  fear: ['temor(?:es)?', 'tem(?:e|en|emos|ian)', 'miedo', 'preocupa\\w*', 'alarma\\w*', 'inquietud\\w*', 'incertidumbre', 'angustia', 'alerta\\w*', 'rechaz\\w*', 'repudi\\w*', 'denunci\\w*', 'protesta\\w*', 'huelga', 'paro', 'boicot\\w*', 'demanda judicial', 'demandar(?:on)?', 'querella', 'condena\\w*', 'se oponen?', 'oposicion', 'indignaci\\w*', 'enojo', 'furia', 'polemica'],
  likeness: ['(?:su|sus|nuestra|nuestras|la) voz', 'voces', 'clonaci\\w*', 'clonad[ao]s?', 'clonar', 'replicas? digital\\w*', 'dobles? digital\\w*', 'imagen y (?:voz|semejanza)', 'semejanza', 'rostro', 'deepfakes?', 'voz sintetica', 'voces sinteticas'],
  training: ['entrenad[ao]s? con', 'entrenar(?:on)? (?:con|sus|modelos)', 'entrenamiento', 'datos de entrenamiento', 'sin licencia', 'derechos? de autor', 'propiedad intelectual', 'archivo de (?:voces|grabaciones)'],
  credit: ['creditos?', 'acreditad\\w*', 'autoria', 'atribuci\\w*', 'firma'],
  pay: ['pago', 'pagos', 'pagar', 'salari\\w*', 'sueldos?', 'tarifas?', 'regalias', 'honorarios', 'ingresos', 'sustento', 'remuneraci\\w*', 'cobrar'],
  control: ['control creativo', 'sin alma', 'artesanal', 'oficio', 'vision del director', 'autenticidad', 'autentic\\w*', 'toque humano', 'homogene\\w*', 'basura'],
  sarcasm: ['que podria salir mal', 'genial,? (?:otra|otro|justo)', 'que maravilla', 'que bien,', 'gracias por nada', 'claro que si', 'ah si,', 'como no,'],
  gain: ['mas rapid\\w*', 'mas barat\\w*', 'ahorr\\w*', 'reduc\\w* (?:costos|costes|tiempos|plazos)', 'eficien\\w*', 'agiliz\\w*', 'aceler\\w*', 'productividad', 'optimiz\\w*', 'en (?:horas|minutos|dias) en lugar', 'accesible', 'abarat\\w*', 'impuls\\w*', 'escala'],
  enthusiasm: ['entusiasm\\w*', 'emocion\\w*', 'increible\\w*', 'asombros\\w*', 'impresionante', 'revoluci\\w*', 'transform\\w*', 'oportunidad\\w*', 'futuro', 'innova\\w*', 'apuesta\\w*', 'apost\\w*', 'celebr\\w*', 'lanz\\w*', 'potenci\\w*', 'democratiz\\w*', 'magia', 'genial', 'fascina\\w*', 'orgullos\\w*', 'bienvenid\\w*', 'avance', 'pionero\\w*', 'vanguardia'],
  tool: ['(?:una|otra|nueva) herramienta', 'herramientas?', 'asistente', 'colabora\\w*', 'complement\\w*', 'no (?:reemplaza|sustituye|reemplazara|sustituira)', 'tareas (?:tediosas|repetitivas)', 'trabajo tedioso', 'mas creativ\\w*', 'liberar (?:a los|tiempo)', 'aliad[ao]'],
  violent_praise: ['arras\\w*', 'rompe(?:r|n)? (?:records|taquilla|todo)', 'una bestia', 'brutal', 'mata(?:r)? (?:la espera|el tedio)'],
  reassure: ['tranquiliz\\w*', 'nadie (?:perdera|va a perder)', 'ningun (?:puesto|empleo|trabajo)', 'no (?:perderan|se perderan|habra despidos)', 'no hay (?:nada que temer|motivo)', 'el ser humano en el centro', 'humanos en el centro', 'con consentimiento', 'consentimiento previo'],
  ai_subject: ['(?:una|la|nueva) (?:pelicula|serie|cinta|obra|novela|comedia|documental|thriller) (?:sobre|en la que|donde|protagonizada|que sigue)', 'sobre (?:una|un) (?:ia|robot|androide|inteligencia artificial) (?:rebelde|malvad[oa]|asesin[oa])', 'androides?', 'robots? (?:pintor|artista)', 'reestreno', 'taquilla', 'fin de semana de estreno', 'estrenos?', 'ciencia ficcion', 'distopi\\w*', 'subasta\\w*', 'invierte en'],
  other_industry: ['banc\\w*', 'hospital\\w*', 'medic\\w*', 'salud', 'pacientes?', 'diagnostic\\w*', 'seguros?', 'agricultura', 'campo', 'logistica', 'chips?', 'semiconductores', 'centros? de datos', 'bolsa', 'ajedrez', 'autos?', 'coches?', 'atencion al cliente', 'escuelas?', 'elecciones', 'clima'],
  by_hand: ['a mano', 'hech[oa]s? a mano', 'dibujad[oa]s? a mano', 'artesanal\\w*', 'cuadro por cuadro', 'efectos practicos', 'sin (?:ia|inteligencia artificial)', 'animacion tradicional', 'stop-motion', 'maquetas?', 'maquillaje', 'protesis'],
  non_ml: ['captura de movimiento', 'captura de actuacion', 'control de movimiento', 'produccion virtual', 'pantallas? led', 'algoritmo de recomendaciones', 'recomendaciones', 'ranking', 'programacion automatica', 'suscriptores', 'precios?', 'aumento de precio', 'tarifa', 'plan con anuncios'],
  report: ['dijo', 'dice', 'afirm\\w*', 'senal\\w*', 'segun', 'anunci\\w*', 'inform\\w*', 'explic\\w*', 'report\\w*', 'encuesta', 'panel', 'conversatorio', 'que sabemos', 'como funciona', 'claves', 'asi (?:es|fue|funciona)', 'presenta\\w*'],
};

/** Spanish names for the production areas, unions and studios tagged in src/ingest/entities.ts. */
export const AREA_WORDS_ES: Record<string, string[]> = {
  voice_dubbing: ['doblaje', 'doblad(?:or|ora|ores|oras)', 'actores de doblaje', 'actrices de doblaje', 'actores de voz', 'locutor(?:a|es|as)?', 'locucion', 'voz en off'],
  vfx: ['efectos visuales', 'efectos especiales', 'vfx', 'cgi', 'rejuvenec\\w*', 'composici(?:on|ones) digital\\w*'],
  writing: ['guion(?:es)?', 'guionistas?', 'escritor(?:a|es|as)?', 'libretistas?'],
  acting_likeness: ['actor(?:es)?', 'actriz', 'actrices', 'interpretes?', 'extras', 'figurantes?', 'elenco'],
  animation: ['animaci(?:on|ones)', 'animad(?:or|ora|ores|oras)', 'animad[oa]s?', 'anime'],
  previs_storyboards: ['storyboards?', 'arte conceptual', 'previsualizaci\\w*'],
  marketing: ['trailers?', 'avances?', 'carteles?', 'afiches?', 'publicidad', 'promocional\\w*', 'anuncios?'],
  games: ['videojuegos?', 'juegos? de video', 'estudios? de videojuegos'],
  editing_post: ['posproducci\\w*', 'postproducci\\w*', 'montaje', 'edici(?:on|ones)', 'editor(?:a|es|as)?', 'subtitul\\w*', 'etalonaje', 'diseno de sonido'],
};
export const UNION_WORDS_ES = ['sindicatos?', 'gremios?', 'asociacion nacional de actores', 'asociacion argentina de actores', 'aisge', 'union de actores', 'satsaid', 'actores unidos', 'trabajadores del doblaje'];
export const STUDIO_WORDS_ES = ['televisa', 'televisaunivision', 'tv azteca', 'telefe', 'rtve', 'atresmedia', 'mediaset', 'movistar plus\\+?', 'mediapro', 'globo', 'caracol', 'estudios churubusco', 'productoras?', 'plataformas? de streaming'];
